"""The map page served at ``/`` by the API: static files only (vendored Leaflet, our app.js).

Owns static files only; imports nothing of frontwire.
"""
