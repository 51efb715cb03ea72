#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 for test runs against Tansu: it forwards Kafka frames unchanged,
except that it drops the tagged fields (SupportedFeatures, FinalizedFeatures...) from
ApiVersions v3+ responses. librdkafka 2.0 (Debian's kcat) fails to parse those tags
("Protocol read buffer underflow ... ApiVersion v3") and never gets past the handshake.

Usage: apiversions-tag-proxy.py LISTEN_PORT TARGET_PORT
"""
import asyncio
import struct
import sys

API_VERSIONS = 18


async def relay_requests(reader, writer, pending):
    try:
        while True:
            head = await reader.readexactly(4)
            body = await reader.readexactly(struct.unpack(">i", head)[0])
            api_key, version, correlation = struct.unpack(">hhi", body[:8])
            pending[correlation] = (api_key, version)
            writer.write(head + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


def without_tags(body):
    """ApiVersions v3 response: correlation, error, compact array of (key, min, max, no tags),
    throttle, tagged fields. Keeps everything up to the tagged fields, then writes none."""
    if body[4:6] != b"\x00\x00" or body[6] >= 0x80:
        return body
    end = 7 + (body[6] - 1) * 7 + 4
    return body[:end] + b"\x00"


async def relay_responses(reader, writer, pending):
    try:
        while True:
            head = await reader.readexactly(4)
            body = await reader.readexactly(struct.unpack(">i", head)[0])
            api_key, version = pending.pop(struct.unpack(">i", body[:4])[0], (None, None))
            if api_key == API_VERSIONS and version >= 3:
                body = without_tags(body)
            writer.write(struct.pack(">i", len(body)) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


async def main(listen_port, target_port):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        pending = {}
        await asyncio.gather(relay_requests(client_reader, server_writer, pending),
                             relay_responses(server_reader, client_writer, pending))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
