"""Shelters (避灾安置场所): the registry, QR codes, occupancy."""
