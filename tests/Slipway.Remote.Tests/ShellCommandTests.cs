using Slipway.Core.Shell;

namespace Slipway.Remote.Tests;

public sealed class ShellCommandTests
{
    [Fact]
    public void Holes_are_quoted_and_literals_are_code()
    {
        var path = "/srv/my app";
        var command = ShellCommand.Create($"mkdir -p {path} && cd {path}");

        command.Text.ShouldBe("mkdir -p '/srv/my app' && cd '/srv/my app'");
        command.ToString().ShouldBe(command.Text);
    }

    [Fact]
    public void Secrets_run_as_written_but_display_redacted()
    {
        var secret = "hunter2 'x'";
        var command = ShellCommand.Create($"login --password {secret:r} --user {"bob"}");

        command.Text.ShouldBe("login --password 'hunter2 '\\''x'\\''' --user bob");
        command.ToString().ShouldBe("login --password *** --user bob");
        command.ToString().ShouldNotContain("hunter2");
    }

    [Fact]
    public void Secret_redaction_survives_Then()
    {
        var token = "s3cr3t";
        var command = ShellCommand.Create($"cd /srv").Then(ShellCommand.Create($"deploy {token:r}"));

        command.Text.ShouldBe("cd /srv && deploy s3cr3t");
        command.ToString().ShouldBe("cd /srv && deploy ***");
    }

    [Fact]
    public void Numbers_use_invariant_culture_and_lists_become_words()
    {
        IEnumerable<string> files = ["a b", "c"];
        var command = ShellCommand.Create($"chmod {0.5} {42} {files}");

        command.Text.ShouldBe("chmod 0.5 42 'a b' c");
    }

    [Fact]
    public void Arrays_and_lists_become_words_not_their_type_name()
    {
        string[] array = ["a b", "c"];
        List<string> list = ["d", "e;f"];
        IReadOnlyList<string> readOnly = ["$g"];

        ShellCommand.Create($"rm {array} {list} {readOnly}").Text.ShouldBe("rm 'a b' c d 'e;f' '$g'");
        ShellCommand.Create($"echo {readOnly:r}").ToString().ShouldBe("echo ***");
    }

    [Fact]
    public void FromArgv_quotes_every_argument() =>
        ShellCommand.FromArgv(["echo", "$(x)", "a;b"]).Text.ShouldBe("echo '$(x)' 'a;b'");

    [Fact]
    public void Raw_is_taken_as_code() => ShellCommand.Raw("echo $HOME").Text.ShouldBe("echo $HOME");
}
