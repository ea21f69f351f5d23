"""--validate on define, create and domxml-to-native: libvirt's RelaxNG schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import GUEST
from xenvirsh.cli import validation

# a small stand-in for libvirt's domain.rng: <domain type='xen'> with any content
SCHEMA = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start>
    <element name="domain">
      <attribute name="type"><value>xen</value></attribute>
      <zeroOrMore><ref name="any"/></zeroOrMore>
    </element>
  </start>
  <define name="any">
    <element>
      <anyName/>
      <zeroOrMore><choice><attribute><anyName/></attribute><text/><ref name="any"/></choice>
      </zeroOrMore>
    </element>
  </define>
</grammar>
"""

INVALID = GUEST.replace("type='xen'", "type='kvm'")


@pytest.fixture
def schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "domain.rng").write_text(SCHEMA)
    monkeypatch.setenv("XENVIRSH_SCHEMA_DIR", str(folder))
    return folder / "domain.rng"


@pytest.fixture
def virsh(xenvirsh, state_dir: Path):  # type: ignore[no-untyped-def]
    return lambda *args, **kw: xenvirsh("-c", "test:///default", *args, **kw)


@pytest.fixture
def invalid_xml(tmp_path: Path) -> Path:
    path = tmp_path / "invalid.xml"
    path.write_text(INVALID)
    return path


def schema_error(rng: Path) -> str:
    return (f"error: XML document failed to validate against schema: Unable to validate doc "
            f"against {rng}: line 1: Element domain failed to validate attributes; line 1: "
            "Expecting an element , got nothing; line 1: Invalid attribute type for element "
            "domain\n")


def test_define_validates(virsh, schema: Path, guest_xml: Path, invalid_xml: Path) -> None:  # type: ignore[no-untyped-def]
    result = virsh("define", "--validate", str(invalid_xml))
    assert (result.status, result.out) == (1, "\n")
    assert result.err == f"error: Failed to define domain from {invalid_xml}\n" + schema_error(
        schema)
    assert virsh("-q", "list", "--all", "--name").out == "Domain-0\n"
    assert virsh("define", "--validate", str(guest_xml)).out == (
        f"Domain 'webserver' defined from {guest_xml}\n\n")


def test_without_validate_the_schema_is_not_read(virsh, schema: Path,  # type: ignore[no-untyped-def]
                                                 guest_xml: Path) -> None:
    schema.unlink()
    assert virsh("define", str(guest_xml)).status == 0


def test_create_validates(virsh, schema: Path, invalid_xml: Path) -> None:  # type: ignore[no-untyped-def]
    result = virsh("create", "--validate", str(invalid_xml))
    assert result.err == f"error: Failed to create domain from {invalid_xml}\n" + schema_error(
        schema)


def test_domxml_to_native_validates(virsh, schema: Path, guest_xml: Path,  # type: ignore[no-untyped-def]
                                    invalid_xml: Path) -> None:
    result = virsh("domxml-to-native", "--validate", "xen-xl", str(invalid_xml))
    assert (result.status, result.err) == (1, schema_error(schema))
    plain = virsh("domxml-to-native", "xen-xl", str(guest_xml))
    assert virsh("domxml-to-native", "--validate", "xen-xl", str(guest_xml)).out == plain.out
    # a defined domain's XML is checked too
    virsh("-q", "define", str(guest_xml))
    assert virsh("domxml-to-native", "--validate", "xen-xl", "--domain", "webserver").status == 0


def test_malformed_xml_gets_the_parser_error(virsh, schema: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.xml"
    broken.write_text("<domain type='xen'><name>x</name>")
    with_validate = virsh("define", "--validate", str(broken))
    assert with_validate.status == 1
    assert with_validate.err == virsh("define", str(broken)).err


def test_missing_schema(virsh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                        guest_xml: Path) -> None:
    monkeypatch.setenv("XENVIRSH_SCHEMA_DIR", str(tmp_path / "nowhere"))
    result = virsh("define", "--validate", str(guest_xml))
    assert result.err == (
        f"error: Failed to define domain from {guest_xml}\n"
        f"error: cannot validate: libvirt's domain schema {tmp_path}/nowhere/domain.rng is not "
        "installed (Debian and Ubuntu ship it in the libvirt0 package; $XENVIRSH_SCHEMA_DIR "
        "names another directory)\n")


def test_broken_schema(virsh, schema: Path, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    schema.write_text(SCHEMA.replace("<zeroOrMore>", "<interleave><text/>").replace(
        "</zeroOrMore>", "</interleave>", 1))
    result = virsh("domxml-to-native", "--validate", "xen-xl", str(guest_xml))
    assert result.err.startswith(
        f"error: internal error: Unable to parse RelaxNG schema '{schema}': ")


def test_default_schema_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XENVIRSH_SCHEMA_DIR", raising=False)
    assert validation.schema_path() == "/usr/share/libvirt/schemas/domain.rng"


@pytest.mark.skipif(not Path(validation.SCHEMA_DIR, "domain.rng").is_file(),
                    reason="libvirt's schema is not installed (Debian package libvirt0)")
def test_libvirt_schema(virsh, guest_xml: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XENVIRSH_SCHEMA_DIR", raising=False)
    assert virsh("define", "--validate", str(guest_xml)).status == 0
    bogus = tmp_path / "bogus.xml"
    bogus.write_text(GUEST.replace("<vcpu>2</vcpu>", "<vcpu>2</vcpu>\n  <bogus/>"))
    result = virsh("domxml-to-native", "--validate", "xen-xl", str(bogus))
    assert (result.status, result.err) == (
        1, "error: XML document failed to validate against schema: Unable to validate doc "
           f"against {validation.SCHEMA_DIR}/domain.rng: line 7: Element domain has extra "
           "content: bogus\n")
