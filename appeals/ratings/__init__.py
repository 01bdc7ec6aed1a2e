"""Public ratings of state bodies, and the score pictures shared with the prosecutor's desk."""
