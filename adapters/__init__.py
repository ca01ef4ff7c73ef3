"""Adapters: implementations of the I/O interfaces the inner layers define.

HTTP clients (carriers, webhook receivers), document rendering and secret sealing. They
import the domain's types and third-party clients (httpx, fpdf, cryptography), never
`api/` or `workers/`; the composition root (`crossdock.adapters`, the settings) installs them.
"""
