import json, os  # The kit example's twin in Python (paho-mqtt): pods from the retained states, every event.
import paho.mqtt.subscribe as subscribe
env, pods = os.environ.get, {}  # pods: retained pod state topic -> PodState

def on_message(client, userdata, msg):
    if msg.topic.endswith("/state"):  # a zero-length retained payload: the pod is gone
        return pods.update({msg.topic: json.loads(msg.payload)}) if msg.payload else pods.pop(msg.topic, None)
    e = json.loads(msg.payload); d = e["data"]
    who = f"{d['namespace']}/{d['name']} on {d['node']}" if "namespace" in d else d["name"]
    print(e["type"].removeprefix("io.kubeblink."), who, f"({len(pods)} pods)", flush=True)
c, user = env("KUBEBLINK_CLUSTER", "default"), env("KUBEBLINK_USERNAME")
subscribe.callback(on_message, [f"kubeblink/{c}/nodes/+/pods/+/+/state", f"kubeblink/{c}/nodes/+/events"], qos=1,
                   hostname=env("KUBEBLINK_HOST", "localhost"), port=int(env("KUBEBLINK_PORT", "1883")),
                   auth={"username": user, "password": env("KUBEBLINK_PASSWORD")} if user else None)
