def seed_demo_data(section: dict) -> None:
    pass
