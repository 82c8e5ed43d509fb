"""Pods as real Docker containers: sandbox and IP, shared localhost, init order, restarts,
probes, volumes and env refs, image pull errors, logs through the apiserver, graceful deletion.

One kubelet process (Docker runtime, short back-offs) serves the whole module; each test
binds its pods to that node directly (there is no scheduler in this tier).
"""

from __future__ import annotations

import base64
import ipaddress
import subprocess
import time
from pathlib import Path

import httpx

from tests.integration.kubelet.conftest import Pods, condition, container_status, wait_logs
from tests.support.kubelet_proc import Kubelet
from tests.support.procs import ApiServer, wait_for
from tests.support.watching import WatchStream

# A busybox web server that also exits at once on SIGTERM (sh as PID 1 ignores it otherwise).
WEB = "echo index > /tmp/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /tmp & wait"
SLEEP = "trap 'exit 0' TERM; sleep 3600 & wait"


def test_node_registers_with_lease(client: httpx.Client, kubelet: Kubelet) -> None:
    node = client.get(f"/api/v1/nodes/{kubelet.node_name}").json()
    labels = node["metadata"]["labels"]
    assert labels["kubernetes.io/hostname"] == kubelet.node_name
    assert labels["kubernetes.io/os"] == "linux" and labels["kubernetes.io/arch"]
    status = node["status"]
    assert {c["type"]: c["status"] for c in status["conditions"]} == {
        "Ready": "True",
        "MemoryPressure": "False",
        "DiskPressure": "False",
        "PIDPressure": "False",
    }
    assert {"type": "InternalIP", "address": "127.0.0.1"} in status["addresses"]
    assert status["daemonEndpoints"]["kubeletEndpoint"]["Port"] == kubelet.port
    assert int(status["capacity"]["pods"]) == 110 and status["allocatable"]["cpu"]
    info = status["nodeInfo"]
    assert len(info) == 10 and all(info[k] for k in info if k != "systemUUID")
    assert info["containerRuntimeVersion"].startswith("docker://")
    names = {n for image in status["images"] for n in image["names"]}
    assert "kubeling/pause:latest" in names and "kubeling/busybox:latest" in names
    lease = client.get(
        f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{kubelet.node_name}"
    )
    assert lease.status_code == 200, lease.text
    assert lease.json()["spec"]["holderIdentity"] == kubelet.node_name
    assert lease.json()["metadata"]["ownerReferences"][0]["uid"] == node["metadata"]["uid"]
    health = httpx.get(kubelet.url + "/healthz", timeout=5)
    assert health.status_code == 200 and health.text == "ok"


def test_pod_runs_with_ip_and_containers_share_localhost(pods: Pods, kubelet: Kubelet) -> None:
    pods.create(
        "web",
        [
            {"name": "web", "command": ["sh", "-c", WEB], "ports": [{"containerPort": 8080}]},
            {
                "name": "client",
                "command": [
                    "sh",
                    "-c",
                    "until wget -qO- http://localhost:8080/index.html; do sleep 0.2; done; "
                    "echo host=$(hostname); " + SLEEP,
                ],
            },
        ],
    )
    pod = pods.running("web")
    pod = pods.wait("web", lambda p: condition(p, "Ready") == "True", "Ready")
    status = pod["status"]
    ip = status["podIP"]
    assert ipaddress.ip_address(ip) in ipaddress.ip_network(kubelet.pod_cidr)
    assert status["podIPs"] == [{"ip": ip}] and status["hostIP"] == "127.0.0.1"
    assert status["startTime"]
    assert {c["type"] for c in status["conditions"]} == {
        "PodScheduled",
        "Initialized",
        "ContainersReady",
        "Ready",
    }
    for name in ("web", "client"):
        cs = container_status(pod, name)
        assert cs["state"]["running"]["startedAt"] and cs["ready"] and cs["restartCount"] == 0
        assert cs["containerID"].startswith("docker://") and cs["imageID"]
    logs = wait_logs(pods, "web", "client", "host=web")
    events = pods.client.get(f"/api/v1/namespaces/{pods.ns}/events").json()["items"]
    reasons = {(e["reason"], e["source"].get("component")) for e in events}
    assert ("Started", "kubelet") in reasons and ("Pulled", "kubelet") in reasons
    assert "index" in logs
    # The host reaches the pod IP on the node's local pod bridge.
    assert httpx.get(f"http://{ip}:8080/index.html", timeout=5).text.strip() == "index"
    # Every container carries the pod's labels.
    out = subprocess.run(
        [
            "docker",
            "ps",
            "--filter",
            f"label=io.kubeling.pod.uid={pod['metadata']['uid']}",
            "--format",
            '{{.Label "io.kubeling.container.name"}}',
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(out) == ["client", "web"]


def test_init_containers_run_first_in_order(pods: Pods) -> None:
    vol = [{"name": "work", "mountPath": "/work"}]
    pods.create(
        "init",
        [
            {
                "name": "main",
                "command": ["sh", "-c", "cat /work/log; echo main-done; " + SLEEP],
                "volumeMounts": vol,
            }
        ],
        initContainers=[
            {
                "name": "first",
                "command": ["sh", "-c", "sleep 1; echo first >> /work/log"],
                "volumeMounts": vol,
            },
            {
                "name": "second",
                "command": ["sh", "-c", "echo second >> /work/log"],
                "volumeMounts": vol,
            },
        ],
        volumes=[{"name": "work", "emptyDir": {}}],
    )
    pod = pods.wait(
        "init", lambda p: condition(p, "Initialized") == "False", "Initialized False", 20
    )
    assert pod["status"]["phase"] == "Pending"
    assert container_status(pod, "main")["state"]["waiting"]["reason"] == "PodInitializing"
    pod = pods.running("init")
    assert condition(pod, "Initialized") == "True"
    for name in ("first", "second"):
        term = container_status(pod, name, init=True)["state"]["terminated"]
        assert term["exitCode"] == 0 and term["reason"] == "Completed"
    logs = wait_logs(pods, "init", "main", "main-done")
    assert logs.splitlines()[:3] == ["first", "second", "main-done"]


def test_crashing_container_goes_to_crash_loop_back_off(pods: Pods) -> None:
    pods.create("crash", [{"name": "crash", "command": ["sh", "-c", "echo boom; exit 3"]}])
    pod = pods.wait(
        "crash",
        lambda p: (
            (container_status(p, "crash").get("state") or {}).get("waiting", {}).get("reason")
            == "CrashLoopBackOff"
        ),
        "CrashLoopBackOff",
        30,
    )
    cs = container_status(pod, "crash")
    assert cs["restartCount"] >= 1
    assert cs["lastState"]["terminated"]["exitCode"] == 3
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    assert "back-off" in cs["state"]["waiting"]["message"]
    assert pod["status"]["phase"] == "Running"
    assert pods.logs("crash").strip() == "boom"
    assert "boom" in pods.logs("crash", previous="true") or cs["restartCount"] >= 1


def test_restart_policy_never_ends_in_failed_and_on_failure_in_succeeded(pods: Pods) -> None:
    pods.create("never", [{"name": "c", "command": ["sh", "-c", "exit 2"]}], restartPolicy="Never")
    pods.create(
        "onfail", [{"name": "c", "command": ["sh", "-c", "exit 0"]}], restartPolicy="OnFailure"
    )
    pod = pods.wait("never", lambda p: p["status"].get("phase") == "Failed", "Failed")
    assert container_status(pod, "c")["state"]["terminated"]["exitCode"] == 2
    assert container_status(pod, "c")["restartCount"] == 0
    pod = pods.wait("onfail", lambda p: p["status"].get("phase") == "Succeeded", "Succeeded")
    assert condition(pod, "Ready") == "False"


def test_failing_liveness_probe_restarts_the_container(pods: Pods) -> None:
    pods.create(
        "live",
        [
            {
                "name": "app",
                "command": ["sh", "-c", "touch /tmp/alive; sleep 2; rm /tmp/alive; " + SLEEP],
                "livenessProbe": {
                    "exec": {"command": ["cat", "/tmp/alive"]},
                    "periodSeconds": 1,
                    "failureThreshold": 1,
                },
            }
        ],
    )
    pod = pods.wait(
        "live", lambda p: container_status(p, "app").get("restartCount", 0) >= 1, "a restart", 30
    )
    last = container_status(pod, "app")["lastState"]["terminated"]
    assert last["finishedAt"]


def test_readiness_probe_toggles_ready(pods: Pods) -> None:
    pods.create(
        "ready",
        [
            {
                "name": "app",
                "command": [
                    "sh",
                    "-c",
                    "sleep 2; touch /tmp/ready; sleep 4; rm /tmp/ready; " + SLEEP,
                ],
                "readinessProbe": {
                    "exec": {"command": ["cat", "/tmp/ready"]},
                    "periodSeconds": 1,
                    "failureThreshold": 1,
                },
            }
        ],
    )
    pod = pods.running("ready")
    assert condition(pod, "Ready") == "False"
    pod = pods.wait("ready", lambda p: condition(p, "Ready") == "True", "Ready True", 15)
    assert container_status(pod, "app")["ready"] is True
    pod = pods.wait("ready", lambda p: condition(p, "Ready") == "False", "Ready False again", 15)
    assert container_status(pod, "app")["ready"] is False
    assert container_status(pod, "app")["restartCount"] == 0


def test_http_probes_on_named_port(pods: Pods) -> None:
    pods.create(
        "httpprobe",
        [
            {
                "name": "web",
                "command": ["sh", "-c", WEB],
                "ports": [{"name": "http", "containerPort": 8080}],
                "readinessProbe": {
                    "httpGet": {"path": "/index.html", "port": "http"},
                    "periodSeconds": 1,
                },
                "livenessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 1},
            }
        ],
    )
    pod = pods.wait("httpprobe", lambda p: condition(p, "Ready") == "True", "Ready", 20)
    assert container_status(pod, "web")["restartCount"] == 0


def test_config_map_secret_empty_dir_volumes_and_env_refs(
    client: httpx.Client, pods: Pods, kubelet: Kubelet
) -> None:
    ns = pods.ns
    r = client.post(
        f"/api/v1/namespaces/{ns}/configmaps",
        json={"metadata": {"name": "cfg"}, "data": {"greeting": "hello", "other": "x"}},
    )
    assert r.status_code == 201, r.text
    token = base64.b64encode(b"s3cret").decode()
    r = client.post(
        f"/api/v1/namespaces/{ns}/secrets",
        json={"metadata": {"name": "sec"}, "data": {"token": token}},
    )
    assert r.status_code == 201, r.text
    script = (
        "cat /cfg/greeting; echo; cat /sec/token; echo; ls /items; "
        "stat -c %a /sec/token; echo G=$GREETING T=$TOKEN N=$NAME NS=$NS IP=$IP NODE=$NODE X=$X; "
        "until [ -f /shared/msg ]; do sleep 0.2; done; cat /shared/msg; echo all-done; " + SLEEP
    )
    pods.create(
        "vols",
        [
            {
                "name": "reader",
                "command": ["sh", "-c", script],
                "env": [
                    {
                        "name": "GREETING",
                        "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "greeting"}},
                    },
                    {
                        "name": "TOKEN",
                        "valueFrom": {"secretKeyRef": {"name": "sec", "key": "token"}},
                    },
                    {"name": "NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                    {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                    {"name": "X", "value": "$(GREETING)-x"},
                ],
                "volumeMounts": [
                    {"name": "cfg", "mountPath": "/cfg"},
                    {"name": "sec", "mountPath": "/sec"},
                    {"name": "items", "mountPath": "/items"},
                    {"name": "shared", "mountPath": "/shared"},
                ],
            },
            {
                "name": "writer",
                "command": ["sh", "-c", "echo from-writer > /shared/msg; " + SLEEP],
                "volumeMounts": [{"name": "shared", "mountPath": "/shared"}],
            },
        ],
        volumes=[
            {"name": "cfg", "configMap": {"name": "cfg"}},
            {"name": "sec", "secret": {"secretName": "sec", "defaultMode": 0o400}},
            {
                "name": "items",
                "configMap": {"name": "cfg", "items": [{"key": "greeting", "path": "renamed"}]},
            },
            {"name": "shared", "emptyDir": {"medium": "Memory"}},
        ],
    )
    pod = pods.running("vols")
    logs = wait_logs(pods, "vols", "reader", "all-done").splitlines()
    assert logs[0] == "hello" and logs[1] == "s3cret" and logs[2] == "renamed" and logs[3] == "400"
    ip = pod["status"]["podIP"]
    assert logs[4] == f"G=hello T=s3cret N=vols NS={ns} IP={ip} NODE={kubelet.node_name} X=hello-x"
    assert logs[5] == "from-writer"


def test_missing_config_map_is_a_config_error(pods: Pods) -> None:
    pods.create(
        "nocfg",
        [
            {
                "name": "c",
                "command": ["sh", "-c", SLEEP],
                "env": [
                    {"name": "A", "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "k"}}}
                ],
            }
        ],
    )
    pod = pods.wait(
        "nocfg",
        lambda p: (
            (container_status(p, "c").get("state") or {}).get("waiting", {}).get("reason")
            == "CreateContainerConfigError"
        ),
        "CreateContainerConfigError",
    )
    assert "absent" in container_status(pod, "c")["state"]["waiting"]["message"]


def test_missing_image_gives_err_image_pull_then_back_off(pods: Pods, apiserver: ApiServer) -> None:
    watch = WatchStream(
        apiserver.url,
        f"/api/v1/namespaces/{pods.ns}/pods",
        {"fieldSelector": "metadata.name=noimage"},
    )
    try:
        pods.create("noimage", [{"name": "c", "image": "kubeling/does-not-exist:v1"}])
        reasons: list[str] = []
        deadline = time.monotonic() + 20
        while not {"ErrImagePull", "ImagePullBackOff"} <= set(reasons):
            assert time.monotonic() < deadline, f"reasons seen: {reasons}"
            ev = watch.next(max(0.1, deadline - time.monotonic()))
            assert ev is not None
            if ev["type"] == "BOOKMARK":
                continue
            state = container_status(ev["object"], "c").get("state") or {}
            reason = state.get("waiting", {}).get("reason")
            if reason and (not reasons or reasons[-1] != reason):
                reasons.append(reason)
        assert reasons.index("ErrImagePull") < reasons.index("ImagePullBackOff")
        assert pods.get("noimage")["status"]["phase"] == "Pending"
    finally:
        watch.close()


def test_graceful_deletion_runs_pre_stop_then_removes_the_pod(pods: Pods, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    marks.chmod(0o777)
    pod = pods.create(
        "graceful",
        [
            {
                "name": "app",
                "command": [
                    "sh",
                    "-c",
                    "trap 'echo term >> /marks/log; exit 0' TERM; sleep 3600 & wait",
                ],
                "volumeMounts": [{"name": "marks", "mountPath": "/marks"}],
                "lifecycle": {
                    "preStop": {"exec": {"command": ["sh", "-c", "echo prestop >> /marks/log"]}},
                    "postStart": {
                        "exec": {"command": ["sh", "-c", "echo poststart >> /marks/log"]}
                    },
                },
            }
        ],
        volumes=[{"name": "marks", "hostPath": {"path": str(marks)}}],
        terminationGracePeriodSeconds=20,
    )
    pods.running("graceful")
    wait_for(lambda: (marks / "log").exists(), 10, "postStart hook ran")
    r = pods.client.delete(f"/api/v1/namespaces/{pods.ns}/pods/graceful")
    assert r.status_code == 200
    assert r.json()["metadata"]["deletionTimestamp"]
    wait_for(
        lambda: pods.client.get(f"/api/v1/namespaces/{pods.ns}/pods/graceful").status_code == 404,
        20,
        "the kubelet to finish the deletion",
    )
    assert (marks / "log").read_text().split() == ["poststart", "prestop", "term"]
    left = subprocess.run(
        ["docker", "ps", "-aq", "--filter", f"label=io.kubeling.pod.uid={pod['metadata']['uid']}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert left == []


def test_a_container_ignoring_sigterm_is_killed_after_the_grace_period(pods: Pods) -> None:
    # sh as PID 1 without a trap ignores SIGTERM: only SIGKILL after the grace period ends it.
    pods.create(
        "stubborn",
        [{"name": "c", "command": ["sh", "-c", "sleep 3600"]}],
        terminationGracePeriodSeconds=2,
    )
    pods.running("stubborn")
    t0 = time.monotonic()
    r = pods.client.delete(f"/api/v1/namespaces/{pods.ns}/pods/stubborn")
    assert r.json()["metadata"]["deletionGracePeriodSeconds"] == 2
    wait_for(
        lambda: pods.client.get(f"/api/v1/namespaces/{pods.ns}/pods/stubborn").status_code == 404,
        20,
        "the pod to be gone",
    )
    assert time.monotonic() - t0 >= 2  # SIGTERM was ignored: the kubelet waited out the grace


def test_limits_map_to_docker_and_oom_kill_is_reported(pods: Pods) -> None:
    pods.create(
        "oom",
        [
            {
                "name": "hog",
                "command": ["sh", "-c", "dd if=/dev/zero of=/dev/null bs=64M count=1"],
                "resources": {"limits": {"memory": "16Mi", "cpu": "500m"}},
            }
        ],
        restartPolicy="Never",
    )
    pod = pods.wait("oom", lambda p: p["status"].get("phase") == "Failed", "Failed", 30)
    term = container_status(pod, "hog")["state"]["terminated"]
    assert term["reason"] == "OOMKilled" and term["exitCode"] == 137
    cid = term["containerID"].removeprefix("docker://")
    out = subprocess.run(
        ["docker", "inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}", cid],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(16 * 1024 * 1024), str(500_000_000)]


def test_changing_a_pods_image_restarts_that_container(pods: Pods) -> None:
    pods.create("retag", [{"name": "c", "command": ["sh", "-c", SLEEP]}])
    before = container_status(pods.running("retag"), "c")
    patch = {"spec": {"containers": [{"name": "c", "image": "kubeling/web:latest"}]}}
    r = pods.client.patch(
        f"/api/v1/namespaces/{pods.ns}/pods/retag",
        json=patch,
        headers={"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert r.status_code == 200, r.text
    pod = pods.wait(
        "retag",
        lambda p: (
            container_status(p, "c").get("image") == "kubeling/web:latest"
            and "running" in (container_status(p, "c").get("state") or {})
            and container_status(p, "c").get("containerID") != before["containerID"]
        ),
        "the container to run the new image",
    )
    assert container_status(pod, "c")["restartCount"] == 1
