"""The CLS survey (config/sondage.yaml): sent by /sondage, answered by buttons, counted."""
