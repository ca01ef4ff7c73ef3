"""People's way in: sign-in and sign-out over HTTP, session cookies, CSRF checks."""
