"""The console channel: a private chat on standard input and output.

`relay chat` talks through it, and `relay run` serves it when no platform token is set. Buttons
are shown as numbered choices; typing the number presses the button. A message of several lines
(a broadcast with its paragraphs) is pasted at once into a terminal, or typed with a backslash at
the end of each line but the last. Without a terminal (a pipe), no prompt is printed, so
conversations can be scripted.
"""

import asyncio
import itertools
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

from relay.attachments import describe
from relay.contract import Core
from relay.messages import (
    AnnouncementView,
    Button,
    ChatKind,
    ChatRef,
    Incoming,
    Outgoing,
    Platform,
    Reply,
    UserRef,
)
from relay.textnorm import visible

WITHDRAWN = "(un message précédent a été retiré par la coordination du CLS)"
CORRECTED = "(un message précédent a été corrigé par la coordination du CLS ; le voici)"
PROMPT = "vous › "
CONTINUATION_PROMPT = "     … "
CONTINUED = "\\"  # a line ending with a backslash goes on with the next one
PASTED_WITHIN = 0.05  # seconds: lines arriving closer together than this were pasted at once
BOT = "relay › "
INDENT = " " * len(BOT)


class ConsoleChannel:
    platform = Platform.CONSOLE

    def __init__(
        self,
        user: UserRef,
        display_name: str = "",
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.user = user
        self.chat = ChatRef(user.platform, user.user_id, ChatKind.PRIVATE)
        self.display_name = display_name
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self._interactive = self._stdin.isatty()
        self._choices: list[Button] = []
        self._message_ids = itertools.count(1)
        self._reader: asyncio.Task[None] | None = None
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        # While a command is being answered, what arrives for this terminal waits for the
        # answer, so that an invitation never shows before the "C'est fait" that announces it.
        self._held: list[Outgoing] | None = None

    async def start(self, core: Core) -> None:
        self._reader = asyncio.create_task(self.converse(core))

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    def render(self, message: Outgoing) -> Sequence[object]:
        return [message]

    async def send(self, chat: ChatRef, part: object) -> str:
        assert isinstance(part, Reply | AnnouncementView)
        if chat.address == self.chat.address:
            if self._held is not None:
                self._held.append(part)
            else:
                self._show(part, keep_choices=not part.buttons)
        else:  # `relay run` without tokens: show what each console subscriber receives
            self._write(f"→ {chat.address}\n" + INDENT + self._render(part, numbered=False))
        return f"console-{next(self._message_ids)}"

    async def delete(self, chat: ChatRef, message_id: str) -> None:
        """A terminal cannot take back what it printed: it says the message was withdrawn."""
        self._deliver_note(chat, WITHDRAWN)

    async def edit(self, chat: ChatRef, message_id: str, part: object) -> None:
        assert isinstance(part, Reply | AnnouncementView)
        self._deliver_note(chat, CORRECTED)
        await self.send(chat, part)

    def _deliver_note(self, chat: ChatRef, note: str) -> None:
        if chat.address == self.chat.address:
            self._write(BOT + note)
        else:
            self._write(f"→ {chat.address}\n" + INDENT + note)

    async def converse(self, core: Core) -> None:
        """Read lines until end of input, answering each one."""
        self._start_reading()
        while True:
            if self._interactive:
                self._stdout.write(PROMPT)
                self._stdout.flush()
            typed = await self._message()
            if typed is None:
                return
            incoming = self._incoming(typed)
            self._held = []
            try:
                replies = await core.handle(incoming)
            finally:
                held, self._held = self._held, None
            for reply in replies:
                self._show(reply)
            for message in held:
                self._show(message, keep_choices=not message.buttons)

    async def _message(self) -> str | None:
        """The next message: one line, or several when each but the last ends with a
        backslash, or when they were pasted together into a terminal (they arrive at once)."""
        line = await self._lines.get()
        if line is None:
            return None
        lines = [line.rstrip("\n")]
        while True:
            if lines[-1].endswith(CONTINUED):
                lines[-1] = lines[-1].removesuffix(CONTINUED)
                if self._interactive:
                    self._stdout.write(CONTINUATION_PROMPT)
                    self._stdout.flush()
                following = await self._lines.get()
            elif self._interactive:
                try:
                    following = await asyncio.wait_for(self._lines.get(), PASTED_WITHIN)
                except TimeoutError:
                    break
            else:
                break
            if following is None:
                self._lines.put_nowait(None)  # end of input, after this message
                break
            lines.append(following.rstrip("\n"))
        return "\n".join(lines)

    def _start_reading(self) -> None:
        # A daemon thread, not asyncio.to_thread: a blocked readline must not keep the process
        # alive after SIGTERM, which the default executor's shutdown would.
        loop = asyncio.get_running_loop()

        def read() -> None:
            try:
                for line in iter(self._stdin.readline, ""):
                    loop.call_soon_threadsafe(self._lines.put_nowait, line)
                loop.call_soon_threadsafe(self._lines.put_nowait, None)
            except RuntimeError:  # the loop closed while we waited for input: relay is stopping
                return

        threading.Thread(target=read, name="console-stdin", daemon=True).start()

    def _incoming(self, line: str) -> Incoming:
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self._choices):
            action = self._choices[int(choice) - 1].action
            return Incoming(self.chat, self.user, display_name=self.display_name, action=action)
        return Incoming(self.chat, self.user, text=line, display_name=self.display_name)

    def _show(self, message: Outgoing, keep_choices: bool = False) -> None:
        if not keep_choices:
            self._choices = [button for row in message.buttons for button in row]
        self._write(BOT + self._render(message, numbered=True))

    def _render(self, message: Outgoing, numbered: bool) -> str:
        if isinstance(message, AnnouncementView):
            lines = announcement_lines(message)
        else:
            lines = message.text.split("\n")
            if message.link:
                lines.append(message.link)
        if message.attachment:
            lines.append(f"📎 {describe(message.attachment)}")
        buttons = [button for row in message.buttons for button in row]
        if numbered and buttons:
            lines.extend(f"  {n}. {button.label}" for n, button in enumerate(buttons, start=1))
            lines.append("(tapez le numéro de votre choix)")
        return ("\n" + INDENT).join(lines)

    def _write(self, text: str) -> None:
        # Whatever a message carries (a directory entry, an announcement), the terminal receives
        # no escape sequence: they could write the clipboard or hide a link.
        self._stdout.write(visible(text) + "\n\n")
        self._stdout.flush()


def announcement_lines(view: AnnouncementView) -> list[str]:
    """An announcement as plain text lines, the way the console shows it."""
    heading = f"📣 {view.kind.label}" + (f" — {view.title}" if view.title else "")
    lines = [heading, *view.text.split("\n")]
    if view.date_label:
        lines.append(f"📅 {view.date_label}")
    if view.link and view.link not in view.text:
        lines.append(f"🔗 {view.link}")
    if view.theme_labels:
        lines.append("Thèmes : " + ", ".join(view.theme_labels))
    if view.source_label:
        lines.append(view.source_label)
    return lines
