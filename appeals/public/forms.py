"""The public status check."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class StatusCheckForm(FlaskForm):
    number = StringField("Registration number", validators=[DataRequired(), Length(max=30)])
    access_code = StringField("Access code", validators=[DataRequired(), Length(max=20)])
    submit = SubmitField("Check the status")
