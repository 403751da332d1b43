"""The document schema: documents travel through the pipeline as Arrow tables.

Every batch has the core columns below. Stages add annotation columns (scores, language,
cluster ids) that they declare up front, so the output schema of a pipeline is known before
it runs and every Parquet shard of a run has the same schema. Rejected documents carry two
more columns: ``rejected_by`` (the stage name) and ``reason`` (a short machine-readable
reason such as ``length:chars<200``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

TEXT_PLAIN = "text/plain"
TEXT_HTML = "text/html"

CORE_FIELDS = [
    pa.field("id", pa.string(), nullable=False),  # stable, unique within a run
    pa.field("text", pa.string()),  # main text; raw decoded HTML until extraction
    pa.field("url", pa.string()),  # nullable
    pa.field("source", pa.string()),  # input file, relative to the input root
    pa.field("content_type", pa.string()),  # TEXT_PLAIN or TEXT_HTML
    pa.field("meta", pa.string()),  # JSON object: reader metadata (WARC headers, extra fields)
]
CORE_SCHEMA = pa.schema(CORE_FIELDS)
CORE_NAMES = [f.name for f in CORE_FIELDS]

REJECT_FIELDS = [
    pa.field("rejected_by", pa.string()),
    pa.field("reason", pa.string()),
]
REJECT_NAMES = [f.name for f in REJECT_FIELDS]


def kept_schema(annotation_fields: list[pa.Field]) -> pa.Schema:
    """Schema of kept documents: core columns plus every stage's annotations."""
    return pa.schema(CORE_FIELDS + list(annotation_fields))


def rejected_schema(annotation_fields: list[pa.Field]) -> pa.Schema:
    """Schema of rejected documents: the kept schema plus ``rejected_by`` and ``reason``."""
    return pa.schema(CORE_FIELDS + list(annotation_fields) + REJECT_FIELDS)


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Return ``table`` with exactly ``schema``'s columns: missing ones as nulls, extra ones dropped."""
    columns = []
    for field in schema:
        if field.name in table.column_names:
            col = table.column(field.name)
            if col.type != field.type:
                col = col.cast(field.type)
            columns.append(col)
        else:
            columns.append(pa.nulls(table.num_rows, type=field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def with_columns(table: pa.Table, columns: dict[str, pa.Array]) -> pa.Table:
    """``table`` with each named column replaced, or appended when it is new."""
    for name, values in columns.items():
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, values)
        else:
            table = table.append_column(pa.field(name, values.type), values)
    return table


def text_bytes(table: pa.Table) -> int:
    """UTF-8 bytes of the ``text`` column (what stats call bytes)."""
    if table.num_rows == 0:
        return 0
    total = pc.sum(pc.binary_length(table.column("text").cast(pa.binary())))
    return int(total.as_py() or 0)


def empty_table(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()
