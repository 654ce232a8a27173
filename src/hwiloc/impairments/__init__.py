"""Hardware impairments: seeded realizations."""
