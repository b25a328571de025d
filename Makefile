# XHHT: make run (demo server), make serve and make worker (production, docs/deploy.md),
# make test, make bench, make lint, make messages.
# Dependencies come from pyproject.toml; a stamp file in .venv reinstalls them only when
# pyproject.toml changes. DATABASE_URL and the other settings pass through the environment.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

# gunicorn: WEB_CONCURRENCY worker processes (gunicorn reads it itself), each with
# WEB_THREADS threads; a request may take up to WEB_TIMEOUT seconds (a big export).
WEB_CONCURRENCY ?= 2
WEB_THREADS     ?= 4
WEB_TIMEOUT     ?= 120
export WEB_CONCURRENCY

.PHONY: venv install run serve worker test bench lint messages

# --- virtual environment and dependencies -----------------------------------------------

venv: $(BIN)/python

$(BIN)/python:
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { \
	  echo "Thiếu mô-đun venv/ensurepip của Python. Hãy cài: sudo apt-get install python3-venv"; \
	  echo "Python's venv/ensurepip module is missing. Install it: sudo apt-get install python3-venv"; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)

# Prints the project's requirements (plus the extras named as arguments) from pyproject.toml.
define REQUIREMENTS
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
extras = project.get("optional-dependencies", {})
print("\n".join(project["dependencies"] + [d for e in sys.argv[1:] for d in extras[e]]))
endef
export REQUIREMENTS

# $(call pip_install,stamp,extras...): install once per change of pyproject.toml.
define pip_install
$(BIN)/python -c "$$REQUIREMENTS" $(2) > $(VENV)/requirements-$(1).txt
$(BIN)/pip install -q -r $(VENV)/requirements-$(1).txt
touch $@
endef

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(call pip_install,base,)

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(call pip_install,test,test)

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(call pip_install,bench,bench)

install: $(VENV)/.installed-base

# --- the demo server --------------------------------------------------------------------

define BANNER

XHHT — dữ liệu minh họa (tổng hợp, không phải số liệu thật) / demo data (synthetic)
Mở / Open:  http://$(HOST):$(PORT)/

Tài khoản minh họa / Demo accounts — mật khẩu / password: xhht-demo-2020
  tên đăng nhập / username   vai trò / role                          đơn vị / unit
  pgd_cathai                 quản trị cấp huyện / district admin     Huyện Cát Hải (317)
  viewer_cathai              chỉ xem / viewer                        Huyện Cát Hải (317)
  donvi_pgddt                báo cáo đơn vị / unit reporter          Phòng GD&ĐT (317-PGDDT)
  xa_12337 … xa_12370        báo cáo cấp xã / commune reporter       one per commune:
      xa_12337 TT Cát Bà    xa_12340 TT Cát Hải   xa_12343 Nghĩa Lộ    xa_12346 Đồng Bài
      xa_12349 Hoàng Châu   xa_12352 Văn Phong    xa_12355 Phù Long    xa_12358 Gia Luận
      xa_12361 Hiền Hào     xa_12364 Trân Châu    xa_12367 Việt Hải    xa_12370 Xuân Đám
  dk_cathai                  chỉ xem / viewer                        Đặc khu Cát Hải (từ/from 2025)
  admin                      quản trị hệ thống / superuser           /admin/

endef
export BANNER

# The demo says so: XHHT_DEMO=true allows the public demo key and the demo accounts.
run: export XHHT_DEMO = true
run: install
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "$$BANNER"
	@# The task queue's worker (register imports) runs beside the server and stops with it.
	$(BIN)/python manage.py db_worker --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

# --- production (docs/deploy.md): never loads the demo; refuses to start without SECRET_KEY ---

# Whatever the shell holds, a production start is neither a demo nor in debug mode.
serve worker: export XHHT_DEMO = false
serve worker: export DEBUG = false
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/gunicorn xhht.wsgi --bind $(HOST):$(PORT) --threads $(WEB_THREADS) \
	  --timeout $(WEB_TIMEOUT) --access-logfile - --error-logfile -

# The background worker of the task queue (register imports); run it beside `make serve`.
worker: install
	$(BIN)/python manage.py db_worker

# --- checks -----------------------------------------------------------------------------

# pytest sets XHHT_DEMO itself (xhht/pytest_env.py); the benchmarks load demo-like data.
# The suite runs on TEST_WORKERS processes (pytest-xdist; "auto": one per core), each test
# file whole on one of them so that a file's shared fixtures (the demo) load once.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

bench: export XHHT_DEMO = true
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/realtree_run.py
	$(BIN)/python benchmarks/pcgd_run.py
	$(BIN)/python benchmarks/collection_run.py
	$(BIN)/python benchmarks/concurrency.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: export XHHT_DEMO = true
messages: install
	$(BIN)/python manage.py compilemessages --ignore "$(VENV)"
