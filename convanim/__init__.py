"""convanim"""
