"""The reference page of the HTTP benchmark: a bare Flask + Jinja application that renders a
table of 50 rows held in memory inside a small HTML layout, with no database, session or
extension. bench/http.py serves it under the same gunicorn settings as the application and
divides each page's requests per second by this page's, measured just before it.

    gunicorn -c python:bench.gunicorn_settings bench.reference:app
"""

from flask import Flask, render_template
from jinja2 import DictLoader

LAYOUT = """<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{% endblock %} · Trường học an toàn</title>
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  <header><nav><a href="/">Sở GD&amp;ĐT</a> <a href="/directives/">Văn bản</a>
    <a href="/incidents/">Vụ việc</a> <a href="/rosters/">Tổ tư vấn</a></nav></header>
  <main id="main">{% block main %}{% endblock %}</main>
  <footer><p>Tổng đài quốc gia bảo vệ trẻ em 111</p></footer>
</body>
</html>
"""

PAGE = """{% extends "layout.html" %}
{% block title %}Danh sách trường{% endblock %}
{% block main %}
<h1>Danh sách trường</h1>
<table>
  <thead>
    <tr><th>#</th><th>Trường</th><th>Xã/phường</th><th>Trạng thái</th><th>Ngày</th></tr>
  </thead>
  <tbody>
  {% for row in rows %}
    <tr><td>{{ row.id }}</td><td><a href="/schools/{{ row.id }}">{{ row.name }}</a></td>
      <td>{{ row.commune }}</td><td><mark class="{{ row.state }}">{{ row.label }}</mark></td>
      <td>{{ row.day }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endblock %}
"""

STATES = (("acknowledged", "Đã xác nhận"), ("read", "Đã đọc"), ("unread", "Chưa đọc"),
          ("overdue", "Quá hạn"))
ROWS = [{"id": i, "name": f"Trường Tiểu học Số {i} <Bình Minh>", "commune": f"Xã Tân Phú {i % 9}",
         "state": STATES[i % 4][0], "label": STATES[i % 4][1], "day": f"{i % 28 + 1:02d}/11/2026"}
        for i in range(1, 51)]

app = Flask(__name__)
app.jinja_loader = DictLoader({"layout.html": LAYOUT, "page.html": PAGE})


@app.get("/")
def page():
    return render_template("page.html", rows=ROWS)
