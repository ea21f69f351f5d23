"""Hostile domain XML is refused quickly, with a clear error, and touches
neither the file system nor the network.

The time bounds are generous (CI shares two cores with a QEMU lab); each of
these inputs takes milliseconds. Without the bounds a regression to entity
expansion or a quadratic pass would still fail them by minutes.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from typing import Iterator, List, Tuple, Union

import pytest

from xenvirsh.errors import ConfigUnsupported, XenvirshError, XMLParseError
from xenvirsh.formats.domxml import parse_domain_xml
from xenvirsh.host import TEST_HOST
from xenvirsh.limits import MAX_DEVICES, MAX_XML_ELEMENTS, MAX_XML_SIZE

SECONDS = 5.0
DTD_REFUSED = "(domain_definition): DTDs and entity declarations are not allowed in domain XML"
# libxml2's own guard, which meets a UTF-16 billion laughs before xenvirsh's
# check of the parsed document (xenvirsh never asks libxml2 to expand entities)
AMPLIFICATION = ("(domain_definition):1: Maximum entity amplification factor exceeded, "
                 "see xmlCtxtSetMaxAmplification. (column 7)")


def _refused(doc: Union[str, bytes]) -> XenvirshError:
    start = time.monotonic()
    with pytest.raises(XenvirshError) as caught:
        parse_domain_xml(doc, TEST_HOST)
    assert time.monotonic() - start < SECONDS
    return caught.value


def _domain(body: str = "", prolog: str = "") -> str:
    return (f"{prolog}<domain type='xen'><name>hostile</name><memory>65536</memory>"
            f"<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>{body}</domain>")


def _laughs(levels: int = 10) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return _domain(f"<description>&lol{levels - 1};</description>",
                   f"<!DOCTYPE domain [{''.join(entities)}]>")


ENCODINGS: List[Tuple[str, str]] = [("utf-8", "UTF-8"), ("utf-16", "UTF-16"),
                                    ("utf-32", "UTF-32")]


@pytest.mark.parametrize("codec,name", ENCODINGS)
def test_billion_laughs(codec: str, name: str) -> None:
    doc = f'<?xml version="1.0" encoding="{name}"?>' + _laughs()
    error = _refused(doc.encode(codec))
    assert isinstance(error, XMLParseError)
    assert str(error) == DTD_REFUSED or (codec != "utf-8" and str(error) == AMPLIFICATION)


def test_dtd_text_outside_the_prolog_declares_nothing() -> None:
    """Only the prolog can declare a DTD: the same text in a comment or CDATA of
    the document is text, which libvirt reads."""
    for body in ("<!-- <!ENTITY x 'y'> -->", "<description><![CDATA[<!DOCTYPE x>]]></description>"):
        assert parse_domain_xml(_domain(body), TEST_HOST).name == "hostile"
    assert parse_domain_xml(_domain(prolog="<!-- <!DOCTYPE x> -->"), TEST_HOST).name == "hostile"
    prolog = '<?xml version="1.0"?>\n<!-- c --><?pi x?>\n <!doctype domain>'
    assert str(_refused(_domain(prolog=prolog))) == DTD_REFUSED
    # one pass over a prolog of many comments, unterminated last
    start = time.monotonic()
    _refused(("<!-- c -->" * 100000 + "<!--").encode())
    assert time.monotonic() - start < SECONDS


def test_a_dtd_hidden_in_utf7_is_found() -> None:
    doc = '<?xml version="1.0" encoding="UTF-7"?>' + _laughs(3).replace("<", "+ADw-")
    assert str(_refused(doc.encode("ascii"))) == DTD_REFUSED


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Tuple[Path, List[bool]]]:
    """A FIFO and a watcher that records whether anyone opened it for reading:
    libxml2 reading an external entity from it would be seen (and would block
    until the watcher, polling as a writer, let it through)."""
    path = tmp_path / "secret"
    os.mkfifo(path)
    opened: List[bool] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader
                time.sleep(0.005)
                continue
            opened.append(True)
            os.close(fd)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    yield path, opened
    done.set()
    watcher.join()


@pytest.mark.parametrize("codec,name", ENCODINGS)
def test_external_entities_read_no_file(codec: str, name: str,
                                        fifo: Tuple[Path, List[bool]]) -> None:
    path, opened = fifo
    for target in ("file:///etc/passwd", f"file://{path}", str(path)):
        doc = (f'<?xml version="1.0" encoding="{name}"?>'
               + _domain("<description>&xxe;</description>",
                         f'<!DOCTYPE domain [<!ENTITY xxe SYSTEM "{target}">]>'))
        error = _refused(doc.encode(codec))
        assert str(error) == DTD_REFUSED
        assert "root:" not in str(error)
    for external_dtd in (f'<!DOCTYPE domain SYSTEM "{path}">',
                         f'<!DOCTYPE domain [<!ENTITY % p SYSTEM "{path}"> %p;]>'):
        assert str(_refused(_domain(prolog=external_dtd).encode("utf-16"))) == DTD_REFUSED
    time.sleep(0.05)  # one more poll of the watcher
    assert opened == []


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    yield server
    server.close()


@pytest.mark.parametrize("codec,name", ENCODINGS)
def test_external_entities_open_no_connection(codec: str, name: str,
                                              listener: socket.socket) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
    for prolog in (f'<!DOCTYPE domain [<!ENTITY xxe SYSTEM "{url}">]>',
                   f'<!DOCTYPE domain SYSTEM "{url}">',
                   f'<!DOCTYPE domain [<!ENTITY % p SYSTEM "{url}"> %p;]>'):
        body = "<description>&xxe;</description>" if "xxe" in prolog else ""
        doc = f'<?xml version="1.0" encoding="{name}"?>' + _domain(body, prolog)
        assert str(_refused(doc.encode(codec))) == DTD_REFUSED
    with pytest.raises(socket.timeout):
        listener.accept()  # a connection attempt would be waiting here


def test_xinclude_is_not_processed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = _domain(f"<description><xi:include xmlns:xi='http://www.w3.org/2001/XInclude' "
                  f"href='{secret}' parse='text'/></description>")
    dom = parse_domain_xml(doc, TEST_HOST)
    assert dom.description is None or "TOP-SECRET" not in dom.description


def test_deep_nesting() -> None:
    doc = _domain("<metadata>" + "<a>" * 100000 + "</a>" * 100000 + "</metadata>")
    assert "Excessive depth in document: 256" in str(_refused(doc))


def test_huge_attribute_and_names() -> None:
    assert str(_refused(f"<domain type='{'x' * 5000000}'/>")) == "missing name information"
    error = _refused(f"<domain type='{'x' * (MAX_XML_SIZE - 1000)}'/>")
    assert "Resource limit exceeded: Buffer size limit exceeded" in str(error)
    error = _refused(f"<domain type='xen'><{'n' * 60000}/></domain>")
    assert "Name too long" in str(error)


def test_above_the_size_limit() -> None:
    doc = _domain(f"<description>{'x' * MAX_XML_SIZE}</description>")
    assert str(_refused(doc)) == "(domain_definition): document is larger than 10 MiB"


def test_too_many_elements() -> None:
    doc = _domain("<metadata><m:a xmlns:m='urn:m'>" + "<m:b/>" * MAX_XML_ELEMENTS
                  + "</m:a></metadata>")
    assert str(_refused(doc)).startswith(
        f"(domain_definition): document has {MAX_XML_ELEMENTS + 8} elements; xenvirsh reads "
        f"at most {MAX_XML_ELEMENTS}")


def test_too_many_elements_in_the_fewest_bytes() -> None:
    """Documents too short to hold too many elements are not counted: the
    shortest that can is still refused."""
    doc = "<domain>" + "<a/>" * MAX_XML_ELEMENTS + "</domain>"
    assert str(_refused(doc)) == (
        f"(domain_definition): document has {MAX_XML_ELEMENTS + 1} elements; xenvirsh reads "
        f"at most {MAX_XML_ELEMENTS}")


def _disk_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("a") + rest) + name
    return "xvd" + name


def test_too_many_devices() -> None:
    disks = "".join(f"<disk type='file'><target dev='{_disk_name(i)}'/></disk>"
                    for i in range(MAX_DEVICES + 1))
    error = _refused(_domain(f"<devices>{disks}</devices>"))
    assert isinstance(error, ConfigUnsupported)
    assert str(error) == (f"unsupported configuration: the domain has {MAX_DEVICES + 1} "
                          f"devices; xenvirsh handles at most {MAX_DEVICES}")


@pytest.mark.parametrize("element", [
    "<disk type='file' device='cdrom'><target dev='{disk}'/></disk>",
    "<interface type='bridge'><source bridge='br0'/></interface>",
    "<input type='mouse' bus='xen'/>",
    "<serial type='pty'/>",
    "<console type='pty'/>",
    "<channel type='pty'><target type='xen' name='c{index}'/></channel>",
    "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='{bus}' "
    "slot='{slot}' function='0'/></source></hostdev>",
    "<controller type='xenbus' index='{index}'/>",
])
def test_the_most_devices_allowed_are_quick(element: str) -> None:
    """MAX_DEVICES of one kind: accepted or refused, within the time bound."""
    devices = "".join(element.format(disk=_disk_name(i), index=i, bus=i // 32, slot=i % 32)
                      for i in range(MAX_DEVICES))
    start = time.monotonic()
    try:
        parse_domain_xml(_domain(f"<devices>{devices}</devices>"), TEST_HOST)
    except XenvirshError:
        pass
    assert time.monotonic() - start < SECONDS


def test_a_disk_name_implying_thousands_of_controllers() -> None:
    """libvirt adds every IDE controller up to the one hdsdlb needs (84241)."""
    error = _refused(_domain("<devices><disk type='file'><source file='/x'/>"
                             "<target dev='hdsdlb' bus='ide'/></disk></devices>")
                     .replace("linux", "hvm"))
    assert str(error) == ("unsupported configuration: disk 'hdsdlb' needs ide controller "
                          "84240; xenvirsh adds at most 256 disk controllers of a type")


def test_the_most_elements_allowed_are_quick() -> None:
    """vCPU pins are checked for duplicates one by one, as libvirt does."""
    count = MAX_XML_ELEMENTS - 20
    pins = "".join(f"<vcpupin vcpu='{i}' cpuset='0'/>" for i in range(count))
    start = time.monotonic()
    dom = parse_domain_xml(_domain(f"<cputune>{pins}</cputune>").replace(
        "<memory>", f"<vcpu>{count}</vcpu><memory>"), TEST_HOST)
    assert time.monotonic() - start < SECONDS
    assert len(dom.cputune.vcpupins) == count
