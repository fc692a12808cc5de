"""Entry point: `python run.py` (development server) and `gunicorn run:app` (production)."""
from app import create_app

app = create_app()

if __name__ == "__main__":
    # One request at a time, like gunicorn's sync workers: FAB keeps per-request state on its views.
    app.run(host="127.0.0.1", port=5000, debug=app.config.get("DEVELOPMENT", False), threaded=False)
