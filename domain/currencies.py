"""ISO 4217 currencies: the closed set of codes, and the digits of each one's minor unit."""

from __future__ import annotations

from enum import StrEnum

_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD
MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP
PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS
TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG
BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF
BHD IQD JOD KWD LYD OMR TND
"""
_NO_MINOR_UNIT = [
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "ISK",
    "JPY",
    "KMF",
    "KRW",
    "PYG",
    "RWF",
    "UGX",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
]
_THREE_DIGITS = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]

CurrencyCode = StrEnum(  # type: ignore[misc]
    "CurrencyCode", {code: code for code in sorted(_CODES.split())}
)
"""The ISO 4217 codes of circulating currencies (funds and precious metals left out)."""

MINOR_UNITS: dict[str, int] = {
    code.value: 0 if code in _NO_MINOR_UNIT else 3 if code in _THREE_DIGITS else 2
    for code in CurrencyCode
}
"""Digits after the decimal point of each currency's minor unit."""
