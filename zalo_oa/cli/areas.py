"""`zalo-oa areas`: the wards' boundaries, imported from the city's GeoJSON."""
import click

from .. import areas as city_areas
from ..models import WardBoundary
from ..places import boundaries
from . import context


@click.group()
def areas():
    """Ward and commune boundaries."""


@areas.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Drop the outlines of wards the file leaves out.")
def areas_import(path, replace):
    """Import ward outlines from a GeoJSON FeatureCollection (matched by code or name)."""
    app = context.ready_app()
    province = app.config["PROVINCE_CODE"]
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    try:
        report = boundaries.import_geojson(text, province, source=click.format_filename(path),
                                           replace=replace)
    except boundaries.ImportRefused as exc:
        raise click.ClickException(str(exc)) from None
    for label, reason in report.skipped:
        click.echo(f"skipped {label}: {reason}", err=True)
    click.echo(f"stored {len(report.stored)} ward outlines; {len(report.skipped)} features "
               f"skipped; {report.missing} of {len(city_areas.areas(province))} wards have none")


@areas.command("status")
def areas_status():
    """How many wards have an outline, and which file each came from."""
    app = context.ready_app()
    total = len(city_areas.areas(app.config["PROVINCE_CODE"]))
    rows = list(WardBoundary.select().order_by(WardBoundary.name))
    click.echo(f"{len(rows)} of {total} wards have an outline")
    for row in rows:
        click.echo(f"  {row.area_code}  {row.name}  "
                   f"({row.source or '?'}, {row.imported_at:%Y-%m-%d})")
