"""Rownaq (رونق): a platform for the provincial authorities who support industrial production."""
