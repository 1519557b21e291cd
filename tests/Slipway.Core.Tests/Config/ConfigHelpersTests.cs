using Slipway.Core.Config.Internal;

namespace Slipway.Core.Tests.Config;

public sealed class ConfigHelpersTests
{
    [Theory]
    [InlineData("prot", "port")]
    [InlineData("repo-url", "repo_url")]
    [InlineData("repoUrl", "repo_url")]
    [InlineData("keep_relases", "keep_releases")]
    [InlineData("deploy_too", "deploy_to")]
    [InlineData("applicaton", "application")]
    [InlineData("frobnicate", null)]
    [InlineData("x", null)]
    public void Suggests_only_close_keys(string typed, string? expected)
    {
        KeySuggester.Suggest(typed, ConfigKeys.TopLevel.Concat(ConfigKeys.HostKeys)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("ab", "ba", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    public void Distance_counts_transpositions_as_one(string a, string b, int expected) =>
        KeySuggester.Distance(a, b).ShouldBe(expected);

    [Theory]
    [InlineData("media", null)]
    [InlineData("var/db/./x", null)]
    [InlineData("a/../b", null)]
    [InlineData("/etc", "must be a path relative to shared/, got \"/etc\"")]
    [InlineData("a/../../b", "\"a/../../b\" leads outside deploy_to; linked paths must stay inside shared/")]
    [InlineData("./", "\"./\" names shared/ itself; name a file or directory inside it")]
    public void Linked_paths_stay_inside_shared(string path, string? problem) => LinkedPaths.Check(path).ShouldBe(problem);

    [Theory]
    [InlineData("2G", 2L << 30)]
    [InlineData("500M", 500L << 20)]
    [InlineData("1.5GB", 3L << 29)]
    [InlineData("10GiB", 10L << 30)]
    [InlineData("4096", 4096L)]
    [InlineData("1t", 1L << 40)]
    [InlineData("lots", null)]
    [InlineData("0", null)]
    [InlineData("-1G", null)]
    [InlineData("99999999999T", null)]
    public void Parses_sizes(string text, long? bytes) => SizeParser.Parse(text).ShouldBe(bytes);

    [Theory]
    [InlineData("~/.ssh/id", "/home/u/.ssh/id")]
    [InlineData("~", "/home/u")]
    [InlineData("/etc/x", "/etc/x")]
    [InlineData("~other/x", "~other/x")]
    [InlineData("a/~/b", "a/~/b")]
    public void Expands_home_only_at_the_start(string path, string expected) =>
        PathExpansion.ExpandHome(path, "/home/u").ShouldBe(expected);

    [Fact]
    public void Diagnostics_print_like_a_compiler()
    {
        var d = new Slipway.Core.Config.ConfigDiagnostic(Slipway.Core.Config.DiagnosticSeverity.Warning, "slipway.yml",
            new Slipway.Core.Config.SourceLocation(12, 7), "stages.production", "something");
        d.ToString().ShouldBe("slipway.yml:12:7: warning: stages.production: something");
        (d with { Location = default, KeyPath = "" }).ToString().ShouldBe("slipway.yml: warning: something");
    }
}
