namespace Slipway.Core.Tests.Config;

/// <summary><c>ssh.control_persist</c>: connections are reused for 60 s unless a config says otherwise (issue 15.7).</summary>
public sealed class ControlPersistTests
{
    [Theory]
    [InlineData("", 60)] // no ssh: section
    [InlineData("ssh:\n  max_parallel: 4\n", 60)] // an ssh: section without the key
    [InlineData("ssh:\n  control_persist: 300\n", 300)]
    [InlineData("ssh:\n  control_persist: 0\n", null)] // opted out: every run connects afresh
    public void Control_persist_defaults_to_60_seconds_and_0_opts_out(string ssh, int? seconds)
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + ssh);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        result.Config!.Ssh.ControlPersist.ShouldBe(seconds is { } s ? TimeSpan.FromSeconds(s) : null);
    }
}
