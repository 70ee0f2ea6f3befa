"""The reference of the serving benchmark: the smallest Flask app, served by the same
gunicorn settings (``gunicorn -c gunicorn.conf.py tests.benchmarks.hello_app:app``) in the
same run, so that the portal's pages are judged as a ratio of what this machine can serve
at all (issue 15)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
