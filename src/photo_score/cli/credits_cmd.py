"""``photo-score credits [buy PLAN_ID]``: the cloud account's credits, and buying a pack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from photo_score import account
from photo_score.buy_credits import CreditPlan, format_price
from photo_score.settings import get_settings
from photo_score.sync.session import CloudClient, CloudNotConfigured, NotSignedIn, cloud_client

LEDGER_ROWS = 10

app = typer.Typer(
    help="Your cloud credits: balance, packs and recent use; `buy` a pack.",
    invoke_without_command=True,
)


@contextmanager
def _signed_in() -> Iterator[CloudClient]:
    """The cloud client of the signed-in account; not signed in says to run `photo-score
    login` (exit 2)."""
    settings = get_settings()
    try:
        cloud = cloud_client(settings.home, settings.cloud_url)
    except CloudNotConfigured:
        raise NotSignedIn(
            "not signed in to the photo-score cloud: run `photo-score login --server URL` "
            "(or set PHOTO_SCORE_CLOUD_URL, then `photo-score login`)"
        ) from None
    with cloud:
        cloud.require_session()  # its message names `photo-score login`
        yield cloud


def _pack(plan: CreditPlan) -> str:
    return f"{plan.credits} credits, {format_price(plan.price_cents, plan.currency)}"


@app.callback()
def credits(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The signed-in account's balance, the packs for sale and the last 10 ledger entries."""
    if ctx.invoked_subcommand is not None:
        return
    with _signed_in() as cloud:
        status = account.credits(cloud)
        ledger = account.transactions(cloud, limit=LEDGER_ROWS)
    if as_json:
        data = status.model_dump(mode="json")
        data["transactions"] = ledger.model_dump(mode="json", exclude={"offset", "limit"})
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(f"{status.email or 'signed in'} on {status.server_url}")
    typer.echo(f"balance: {status.balance} credits (one photo analysed by the cloud costs one)")
    if ledger.debt:
        typer.echo(f"owed: {ledger.debt} credits (taken from your next purchase)")
    if status.plans:
        typer.echo("credit packs:")
        width = max(len(p.id) for p in status.plans)
        for plan in status.plans:
            note = f"  {plan.description}" if plan.description else ""
            typer.echo(f"  {plan.id:<{width}}  {_pack(plan)}{note}")
        cheapest = min(status.plans, key=lambda p: (p.price_cents, p.credits))
        typer.echo(f"buy one: photo-score credits buy {cheapest.id}")
    if not ledger.items:
        typer.echo("no credit activity yet")
        return
    typer.echo(f"last {len(ledger.items)} of {ledger.total} entries:")
    for entry in ledger.items:
        when = entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        typer.echo(f"  {when}  {entry.type:<10} {entry.amount:>+7}  balance {entry.balance_after}")


@app.command("buy")
def buy(
    plan_id: Annotated[
        str, typer.Argument(metavar="PLAN_ID", help="The pack to buy (see `photo-score credits`).")
    ],
    no_open: Annotated[
        bool, typer.Option("--no-open", help="Only print the checkout link; open no browser.")
    ] = False,
) -> None:
    """Start buying a credit pack: prints the Stripe Checkout link and opens it."""
    with _signed_in() as cloud:
        started = account.start_checkout(cloud, plan_id)
    typer.echo(f"checkout for {started.plan.id} ({_pack(started.plan)}):")
    typer.echo(started.checkout_url)
    if no_open:
        typer.echo("open the link to pay; the credits arrive once the payment succeeds")
    elif account.open_checkout(started):
        typer.echo("opened in your browser; the credits arrive once the payment succeeds")
    else:
        typer.echo("no browser could be opened: open the link above to pay")
