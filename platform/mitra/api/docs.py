"""`/api/docs`: the API's reference as one self-contained HTML page, rendered from the
OpenAPI document on the server. No script and no asset from the internet: it works offline.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, render_template_string

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ spec.info.title }} {{ spec.info.version }}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f6f6f6;padding:1rem;overflow:auto}
.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0a6}.post{color:#06c}.patch{color:#b60}.delete{color:#c22}
table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left}
</style></head><body>
<h1>{{ spec.info.title }} <small>{{ spec.info.version }}</small></h1>
<p>{{ spec.info.description }}</p>
<p>Machine-readable: <a href="{{ url_for('api-docs.openapi_json') }}">OpenAPI 3 document</a>.
Authenticate with <code>POST /api/v1/auth/tokens</code>, then send
<code>Authorization: Bearer &lt;token&gt;</code>.</p>
<h2>Contents</h2><ul>
{% for op in operations %}<li><a href="#{{ op.id }}"><span class="m {{ op.method }}">{{ op.method }}</span>
<code>{{ op.path }}</code></a> {{ op.summary }}</li>{% endfor %}</ul>
{% for op in operations %}<div class="op" id="{{ op.id }}">
<h3><span class="m {{ op.method }}">{{ op.method }}</span> <code>{{ op.path }}</code></h3>
<p>{{ op.summary }}</p>{% if op.description %}<p>{{ op.description }}</p>{% endif %}
{% if op.parameters %}<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>
{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code></td><td>{{ p.in }}</td>
<td>{{ 'yes' if p.required else '' }}</td><td><code>{{ p.schema }}</code></td></tr>{% endfor %}
</table>{% endif %}
{% if op.body %}<p>Body (<code>application/json</code>): <code>{{ op.body }}</code></p>{% endif %}
<p>Responses: {% for code, text in op.responses %}<code>{{ code }}</code> {{ text
}}{{ ', ' if not loop.last }}{% endfor %}</p></div>{% endfor %}
<h2>Schemas</h2>
{% for name, schema in spec.components.schemas.items() %}<h3 id="schema-{{ name }}">{{ name }}</h3>
<pre>{{ schema | tojson(indent=2) }}</pre>{% endfor %}
</body></html>"""


@bp.get("/api/docs")
def api_docs():
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return render_template_string(PAGE, spec=spec, operations=list(_operations(spec)))


def _operations(spec: dict) -> Any:
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            yield {
                "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                "method": method,
                "path": path,
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [
                    {**p, "schema": _short(p.get("schema", {}))} for p in shared + op.get("parameters", [])
                ],
                "body": _short(body.get("schema", {})) if body else None,
                "responses": [
                    (code, response.get("description", ""))
                    for code, response in op.get("responses", {}).items()
                ],
            }


def _short(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    return json.dumps(schema, separators=(", ", ": "))
