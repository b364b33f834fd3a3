"""Platform adapters: each turns its platform's traffic into Incoming and renders Replies."""
