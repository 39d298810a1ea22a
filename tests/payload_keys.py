"""The payload key ring of every test: the Temporal servers' clients, the workers, the apps the tests
build and the processes they start all encrypt and decrypt with it, as a deployment's share one.
Fixed, so that histories recorded under tests/workflows/histories/ replay with it."""

from services.crypto.codec import data_converter
from services.crypto.keyring import KeyRing

PAYLOAD_KEYS = "test-1:-uQl-XfAUlCpBPDpqFIJ004KZTCkoC25Nrtg8mwgPvU"
PAYLOAD_RING = KeyRing.parse(PAYLOAD_KEYS)
CONVERTER = data_converter(PAYLOAD_RING)
