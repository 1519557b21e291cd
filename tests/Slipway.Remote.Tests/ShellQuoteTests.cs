using System.Text;
using Slipway.Core.Shell;
using Slipway.Testing;

namespace Slipway.Remote.Tests;

public sealed class ShellQuoteTests
{
    public static TheoryData<string> HostileValues() =>
    [
        "; touch pwned",
        "; rm -rf /tmp/x; touch pwned",
        "$(touch pwned)",
        "`touch pwned`",
        "&& touch pwned",
        "| touch pwned",
        "> pwned",
        "it's",
        "''",
        "'",
        "'; touch pwned; echo '",
        "say \"hi\" \"$(touch pwned)\"",
        "line1\nline2\n",
        "a\tb",
        "*",
        "pw*",
        "?",
        "[a-z]",
        "é漢字",
        "",
        " ",
        "-n",
        "--help",
        "~",
        "~root",
        "$HOME",
        "${IFS}",
        "\\",
        "\\'",
        "!",
        "#comment",
        "a=b",
        "=cmd",
        "{a,b}",
    ];

    [Theory]
    [MemberData(nameof(HostileValues))]
    public async Task Quoted_value_reaches_the_shell_byte_for_byte_and_runs_nothing(string value)
    {
        using var dir = new TempDir();
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(dir.File("pwfile"), "", ct); // something for globs to match if they were expanded

        var (exitCode, stdout) = await LocalShell.RunAsync("printf '%s' " + ShellQuote.Quote(value), dir.Path, ct);

        exitCode.ShouldBe(0);
        stdout.ShouldBe(Encoding.UTF8.GetBytes(value));
        File.Exists(dir.File("pwned")).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public async Task Interpolated_value_is_one_word(string value)
    {
        using var dir = new TempDir();
        var command = ShellCommand.Create($"printf '[%s]' {value} {value}");

        var (_, stdout) = await LocalShell.RunAsync(command.Text, dir.Path, TestContext.Current.CancellationToken);

        Encoding.UTF8.GetString(stdout).ShouldBe($"[{value}][{value}]");
        File.Exists(dir.File("pwned")).ShouldBeFalse();
    }

    [Fact]
    public void Nul_is_rejected() =>
        Should.Throw<ArgumentException>(() => ShellQuote.Quote("a\0b")).Message.ShouldContain("NUL");

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("/srv/app/releases/20260101", "/srv/app/releases/20260101")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("~", "'~'")]
    [InlineData("=x", "'=x'")]
    public void Quote_output_is_readable(string value, string expected) => ShellQuote.Quote(value).ShouldBe(expected);

    [Fact]
    public void Join_quotes_each_word() => ShellQuote.Join(["ls", "-l", "my file"]).ShouldBe("ls -l 'my file'");
}
