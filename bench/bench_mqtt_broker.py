"""The MQTT leg alone: how many readings messages one Mosquitto hands to a shared-subscription consumer.

Starts a private Mosquitto on a free port; one publisher sends `--messages` messages of `--readings` readings
each (the JSON devices send) at QoS 1 to `yingji/v1/devices/{code}/readings`, spread over `--devices` codes;
one consumer subscribed as `$share/ingest/yingji/v1/devices/+/readings` (QoS 1, as `yingji mqtt` is) counts
and parses them. No database: the figure is the ceiling of the transport, to size brokers and to see how
much of a worker's time the broker leg would take. Not a test: it prints figures and never fails on them.

    python bench/bench_mqtt_broker.py                          # 2 000 messages × 100 readings
    python bench/bench_mqtt_broker.py --readings 1000 --messages 500
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as paho
from bench_alarm_latency import _free_port
from paho.mqtt.enums import CallbackAPIVersion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--readings", type=int, default=100, help="readings per message")
    parser.add_argument("--devices", type=int, default=50)
    args = parser.parse_args()
    binary = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        print("SKIPPED: no mosquitto binary")
        return
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="yingji-mqtt-bench-"))
    (workdir / "mosquitto.conf").write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                                            "max_queued_messages 100000\nmax_inflight_messages 100\n")
    broker = subprocess.Popen([binary, "-c", str(workdir / "mosquitto.conf")], stdout=subprocess.DEVNULL,  # noqa: S603
                              stderr=subprocess.STDOUT)
    try:
        time.sleep(0.5)
        run(port, args.messages, args.readings, args.devices)
    finally:
        broker.terminate()
        broker.wait(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)


def run(port: int, messages: int, readings: int, devices: int) -> None:
    received = 0
    parsed_readings = 0
    done = threading.Event()
    subscribed = threading.Event()

    def on_message(client: paho.Client, userdata: object, message: paho.MQTTMessage) -> None:
        nonlocal received, parsed_readings
        parsed_readings += len(json.loads(message.payload))
        received += 1
        if received == messages:
            done.set()

    consumer = paho.Client(CallbackAPIVersion.VERSION2, client_id="bench-consumer", protocol=paho.MQTTv311)
    consumer.on_message = on_message
    consumer.on_subscribe = lambda *a: subscribed.set()
    consumer.connect("127.0.0.1", port)
    consumer.loop_start()
    consumer.subscribe("$share/ingest/yingji/v1/devices/+/readings", qos=1)
    subscribed.wait(10)

    publisher = paho.Client(CallbackAPIVersion.VERSION2, client_id="bench-publisher", protocol=paho.MQTTv311)
    publisher.max_inflight_messages_set(100)
    publisher.max_queued_messages_set(0)
    publisher.connect("127.0.0.1", port)
    publisher.loop_start()
    t0 = datetime(2026, 11, 28, tzinfo=UTC)
    bodies = []
    for m in range(messages):
        start = t0 + timedelta(seconds=m)
        bodies.append(json.dumps([{"metric": "combustible_gas", "time": (start + timedelta(milliseconds=i)).isoformat(),
                                   "value": 1.5} for i in range(readings)]).encode())
    size = sum(len(b) for b in bodies) / messages
    started = time.perf_counter()
    infos = [publisher.publish(f"yingji/v1/devices/BENCH-{m % devices:04d}/readings", body, qos=1)
             for m, body in enumerate(bodies)]
    for info in infos:
        info.wait_for_publish(60)
    published = time.perf_counter() - started
    done.wait(120)
    elapsed = time.perf_counter() - started
    publisher.loop_stop()
    consumer.loop_stop()
    publisher.disconnect()
    consumer.disconnect()
    print(f"{messages} messages × {readings} readings ({size / 1024:.1f} KiB each), QoS 1, shared subscription")
    print(f"  published and acknowledged in {published:.2f} s; {received} received and parsed in {elapsed:.2f} s")
    print(f"  {received / elapsed:,.0f} messages/s = {parsed_readings / elapsed:,.0f} readings/s through one broker "
          "and one consumer (no database)")


if __name__ == "__main__":
    main()
