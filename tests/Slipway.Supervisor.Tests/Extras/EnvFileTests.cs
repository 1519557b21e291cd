using Slipway.Supervisor.Config;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Extras;

public sealed class EnvFileTests
{
    [Fact]
    public void Systemd_style_lines_comments_quotes_and_continuations()
    {
        EnvFile.Parse("""
            # a comment
            ; another

            PLAIN=some value   
            export EXPORTED=yes
            EMPTY=
            SINGLE='literal $HOME \n'
            DOUBLE="say \"hi\"\tand \\ bye"
            MULTI="line one
            line two"
            CONT=abc\
              def
            SPACED = x
            """).ShouldBe([
            new("PLAIN", "some value"),
            new("EXPORTED", "yes"),
            new("EMPTY", ""),
            new("SINGLE", "literal $HOME \\n"),
            new("DOUBLE", "say \"hi\"\tand \\ bye"),
            new("MULTI", "line one\nline two"),
            new("CONT", "abcdef"),
            new("SPACED", "x"),
        ]);
    }

    [Theory]
    [InlineData("JUST_A_WORD", "line 1: expected KEY=value, got 'JUST_A_WORD'")]
    [InlineData("OK=1\n1BAD=x", "line 2: expected KEY=value, got '1BAD=x'")]
    [InlineData("Q=\"open", "line 1: unterminated \" quote")]
    [InlineData("Q='a' b", "line 1: text after the closing quote")]
    public void Malformed_lines_name_the_line(string text, string message) =>
        Should.Throw<FormatException>(() => EnvFile.Parse(text)).Message.ShouldBe(message);

    [Fact]
    public void Files_load_in_order_and_a_missing_optional_file_is_skipped()
    {
        using var dir = new TempDir();
        var a = dir.Write("a.env", "X=1\nY=a\n");
        var b = dir.Write("b.env", "Y=b\n");
        EnvFile.Load([a, "-" + dir.File("none.env"), b]).ShouldBe([new("X", "1"), new("Y", "a"), new("Y", "b")]);
        Should.Throw<FormatException>(() => EnvFile.Load([dir.File("none.env")])).Message.ShouldBe($"envfile {dir.File("none.env")}: no such file");
        var bad = dir.Write("bad.env", "nope\n");
        Should.Throw<FormatException>(() => EnvFile.Load([bad])).Message.ShouldBe($"envfile {bad} line 1: expected KEY=value, got 'nope'");
    }
}
