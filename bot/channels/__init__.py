"""Messaging channels. Twilio serves SMS and WhatsApp through one module."""
