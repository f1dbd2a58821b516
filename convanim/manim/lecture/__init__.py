"""Lecture-room tools: slide decks (reveal.js), handouts, notebook videos and the browser they are
checked in."""
