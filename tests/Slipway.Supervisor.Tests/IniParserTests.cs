using Slipway.Supervisor.Config;

namespace Slipway.Supervisor.Tests;

public sealed class IniParserTests
{
    private static IniDocument Parse(string text) => IniParser.Parse(text, "/etc/s.conf", new IniDocument());

    [Fact]
    public void Inline_comments_need_whitespace_before_them()
    {
        var doc = Parse("[program:a]\ncommand=bash -c 'a;b' ; comment\nx = 1 # c\ny=a#b\n");
        var s = doc.Get("program:a")!;
        s.Get("command")!.Value.ShouldBe("bash -c 'a;b'");
        s.Get("x")!.Value.ShouldBe("1");
        s.Get("y")!.Value.ShouldBe("a#b");
    }

    [Fact]
    public void Indented_lines_continue_the_value_and_keys_are_lowercased()
    {
        var doc = Parse("[a]\nEnvironment = A=\"1\",\n  B=\"2\"\nz: q\n");
        var s = doc.Get("a")!;
        s.Get("environment")!.Value.ShouldBe("A=\"1\",\nB=\"2\"");
        s.Get("z")!.Value.ShouldBe("q");
    }

    [Fact]
    public void Duplicate_keys_and_sections_last_one_wins()
    {
        var doc = Parse("[a]\nx=1\nx=2\n[b]\n[a]\ny=3\n");
        doc.Get("a")!.Get("x")!.Value.ShouldBe("2");
        doc.Get("a")!.Get("y")!.Value.ShouldBe("3");
        doc.Get("a")!.Get("x")!.Line.ShouldBe(3);
    }

    [Fact]
    public void A_line_that_is_not_key_value_names_file_line_and_section()
    {
        var e = Should.Throw<ConfigException>(() => Parse("[program:a]\ncommand=x\njunk\n"));
        e.Message.ShouldBe("/etc/s.conf:3: [program:a]: expected 'key = value', found 'junk'");
    }

    [Fact]
    public void Options_before_any_section_are_an_error()
    {
        Should.Throw<ConfigException>(() => Parse("x=1\n")).Message.ShouldStartWith("/etc/s.conf:1: file contains no section headers");
    }
}
