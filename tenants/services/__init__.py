"""Every write to the control plane: provisioning, templates, subscriptions."""
