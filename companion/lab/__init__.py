"""The Lab: experiments that show the course's ideas happening in a real model (no Qt)."""
