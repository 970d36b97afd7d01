"""Python helpers shared by the benchmark reports (the shell side is bench/lib.sh).

Imported by the report scripts, which run from the repository root:
    sys.path.insert(0, 'bench'); import lib
"""
import json
import os
import platform
import statistics
import subprocess


def read_runs(path):
    """The JSON lines a benchmark script wrote, one dict per line."""
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def machine():
    """'Machine: <cpu>, N CPUs, M GiB memory, Linux <release>.'"""
    cpu = '?'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        mem_kb = next(int(line.split()[1]) for line in f if line.startswith('MemTotal'))
    return (f'Machine: {cpu}, {os.cpu_count()} CPUs, {mem_kb / 2**20:.0f} GiB memory, '
            f'Linux {platform.release()}.')


def hygge_commit():
    """The short commit hygge was built from, with '+dirty' when its sources have local edits
    (edits to the benchmark scripts do not change the binary)."""
    def git(*args):
        return subprocess.run(['git', *args], capture_output=True, text=True).stdout.strip()
    sha = git('rev-parse', '--short', 'HEAD')
    dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'include', 'CMakeLists.txt')
    return sha + ('+dirty' if dirty else '')


def load_average():
    return ', '.join(f'{x:.1f}' for x in os.getloadavg())


def spread(values):
    """(median, fastest, slowest) of a non-empty list."""
    return statistics.median(values), min(values), max(values)


def mb(n_bytes):
    return n_bytes / 1e6
