"""Terminal output an operator sees: the login QR code a real gateway asks to be scanned."""

from __future__ import annotations

from bot.terminal import print_login_qr


def test_login_qr_is_drawn_in_the_terminal(capsys):
    print_login_qr("https://login.weixin.qq.com/l/abc123", "Waiting")
    err = capsys.readouterr().err
    assert "请用机器人的微信扫码登录" in err and "Waiting" in err
    drawn = [line for line in err.splitlines() if "█" in line or "▀" in line or "▄" in line]
    assert len(drawn) >= 10  # a real QR matrix, not just the URL


def test_a_status_without_a_code_is_only_logged(capsys, caplog):
    caplog.set_level("INFO")
    print_login_qr("", "Scanned")
    assert capsys.readouterr().err == ""
    assert "Scanned" in caplog.text


def test_the_cli_does_not_import_qrcode_until_it_draws_one() -> None:
    """Every CLI command imports bot.terminal for its logging; qrcode (and the Pillow it
    brings, ~4 MB) is imported only when a real gateway's login QR is drawn."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "import bot.cli\n"
        "assert 'qrcode' not in sys.modules, 'qrcode imported'\n"
        "from bot.terminal import print_login_qr\n"
        "print_login_qr('https://login.weixin.qq.com/l/abc123', 'Waiting')\n"
        "assert 'qrcode' in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]
    assert "请用机器人的微信扫码登录" in out.stderr
