// The sign-in link, opened in a browser, is used at once; link previews do not run scripts,
// so they cannot spend it.
document.getElementById("connexion").submit();
