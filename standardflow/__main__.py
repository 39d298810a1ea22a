from standardflow.cli import app

app()
