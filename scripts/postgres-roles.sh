#!/bin/sh
# Run by the postgres image once, when its volume is first initialised (docker-compose.yml): the
# login role harbour serves as. It is a member of harbour_app, whose rights the migrations grant:
# no superuser, owner of nothing, so it cannot alter the audit (README, "The audit").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v password="$HARBOUR_HUB_PASSWORD" <<'SQL'
create role harbour_app nologin;
create role harbour_hub login password :'password' in role harbour_app;
SQL
