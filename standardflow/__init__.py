"""StandardFlow's composition root: settings, the command line and the embedded runner."""
