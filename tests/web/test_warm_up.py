"""A web worker compiles its templates before its first request, not during it."""

from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from flask import Flask

from alerts import create_app
from alerts.web.warm_up import warm_up
from config.gunicorn import post_worker_init


def test_after_the_warm_up_a_page_compiles_nothing(app: Flask, client) -> None:
    warmed = warm_up(app)
    gc.unfreeze()
    assert warmed.templates == len(app.jinja_env.list_templates(extensions=("html", "txt", "xml"))) > 50

    with mock.patch.object(app.jinja_env, "compile", side_effect=AssertionError("compiled during a request")):
        assert client.get("/").status_code == 200
        assert client.get("/staff/sign-in").status_code == 200


def test_what_the_start_up_made_is_kept_out_of_the_garbage_collectors_way(app: Flask) -> None:
    try:
        warm_up(app)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_gunicorn_warms_each_worker_up_before_it_takes_a_request(app: Flask) -> None:
    with mock.patch("alerts.web.warm_up.warm_up") as warming:
        post_worker_init(SimpleNamespace(wsgi=app))
    warming.assert_called_once_with(app)


def test_with_a_bytecode_cache_only_the_first_worker_compiles(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    first = create_app("test", {"TEMPLATE_BYTECODE_CACHE": str(folder)})
    warm_up(first)
    gc.unfreeze()
    assert any(folder.iterdir())

    second = create_app("test", {"TEMPLATE_BYTECODE_CACHE": str(folder)})
    with mock.patch.object(second.jinja_env, "compile", side_effect=AssertionError("compiled again")):
        assert warm_up(second).templates == warm_up(first).templates
    gc.unfreeze()


def test_tests_and_a_blank_setting_keep_no_bytecode_cache() -> None:
    assert create_app("test").jinja_env.bytecode_cache is None
    assert create_app("development", {"TEMPLATE_BYTECODE_CACHE": ""}).jinja_env.bytecode_cache is None
