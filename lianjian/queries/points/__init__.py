"""Points per member per quarter from the service records (积分台账)."""
