using Slipway.Build.Explain;
using Slipway.Build.Keys;
using Slipway.Build.Store;
using static Slipway.Build.Tests.Support.Recipes;

namespace Slipway.Build.Tests;

public sealed class InputDiffTests
{
    private static IReadOnlyList<KeyInput> Inputs(string commit = "abc1234000000000000000000000000000000000",
        string patch2 = "p2", string step3 = "make check", string? cc = "gcc", string libfoo = "k1", string libc = "glibc 2.36")
    {
        var recipe = Package("app", "libfoo") with { Steps = ["./configure", "make", step3], EnvAllowlist = ["CC"] };
        var resolved = Resolved(commit, [new("0001-a.patch", "p1"), new("0002-fix.patch", patch2)],
            new Dictionary<string, string?> { ["CC"] = cc }, Linux with { Libc = libc });
        return ContentKey.For(recipe, resolved, new Dictionary<string, string> { ["libfoo"] = libfoo }).Inputs;
    }

    [Theory]
    [InlineData("commit", "new commit abc1234→def5678")]
    [InlineData("patch", "patch 0002-fix.patch changed")]
    [InlineData("step", "step 3 changed")]
    [InlineData("env", "env CC changed")]
    [InlineData("unset", "env CC changed")]
    [InlineData("dependency", "dependency libfoo rebuilt")]
    [InlineData("libc", "platform libc changed (glibc 2.36→musl)")]
    public void Names_exactly_the_input_that_differs(string what, string reason)
    {
        var changed = what switch
        {
            "commit" => Inputs(commit: "def5678000000000000000000000000000000000"),
            "patch" => Inputs(patch2: "p2-new"),
            "step" => Inputs(step3: "make test"),
            "env" => Inputs(cc: "clang"),
            "unset" => Inputs(cc: null),
            "dependency" => Inputs(libfoo: "k2"),
            _ => Inputs(libc: "musl"),
        };

        InputDiff.Reasons(Inputs(), changed).ShouldBe([reason]);
    }

    [Fact]
    public void Several_differences_are_all_named()
    {
        InputDiff.Summary(Inputs(), Inputs(patch2: "x", libfoo: "k9"))
            .ShouldBe("patch 0002-fix.patch changed, dependency libfoo rebuilt");
    }

    [Fact]
    public void Added_and_removed_inputs_and_patch_order()
    {
        var older = new List<KeyInput> { new("source", "git a"), new("patch 1.patch", "x"), new("patch 2.patch", "y") };
        InputDiff.Reasons(older, [new("source", "git a"), new("patch 1.patch", "x"), new("step 4", "make")])
            .ShouldBe(["step 4 added", "patch 2.patch removed"]);
        InputDiff.Reasons(older, [new("source", "git a"), new("patch 2.patch", "y"), new("patch 1.patch", "x")])
            .ShouldBe(["patch order changed"]);
    }

    [Fact]
    public void Without_an_earlier_artifact_it_was_never_built_and_same_inputs_say_so()
    {
        InputDiff.Summary(null, Inputs()).ShouldBe("never built");
        InputDiff.Summary(Inputs(), Inputs()).ShouldBe("inputs unchanged");
    }

    [Fact]
    public void Source_kind_changes_and_tarballs_are_described()
    {
        InputDiff.Describe(new("source", "git abc", "tarball sha256:ff")).ShouldBe("source changed from git to tarball");
        InputDiff.Describe(new("source", "tarball sha256:0123456789", "tarball sha256:abcdef0123"))
            .ShouldBe("new tarball 0123456→abcdef0");
    }

    [Fact]
    public void A_manifest_diff_lists_the_differing_inputs_with_both_values()
    {
        ArtifactManifest Manifest(IReadOnlyList<KeyInput> inputs) => new()
        {
            Package = "app", Key = ContentKey.Compute(inputs), Inputs = inputs, Files = [], ArtifactSha256 = "", ArtifactSize = 0,
            BuiltAt = DateTimeOffset.UnixEpoch, Builder = "test", BuildSeconds = 0,
        };

        ManifestDiff.Lines(Manifest(Inputs()), Manifest(Inputs(step3: "make test")))
            .ShouldBe(["step 3 changed: make check → make test"]);
    }
}
