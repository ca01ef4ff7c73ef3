"""Sales channels: shops (Shopify, WooCommerce) whose orders flow in and whose stock and
tracking flow back, each through one adapter."""
