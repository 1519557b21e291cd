using Slipway.Build.Keys;
using static Slipway.Build.Tests.Support.Recipes;

namespace Slipway.Build.Tests;

public sealed class ContentKeyTests
{
    private static readonly Dictionary<string, string> NoDependencies = [];

    [Fact]
    public void Inputs_are_named_and_in_a_fixed_order()
    {
        var recipe = Package("app", "libfoo") with { Tools = ["gcc"], EnvAllowlist = ["CFLAGS", "CC"] };
        var resolved = Resolved(patches: [new("0001-fix.patch", "aa")],
            env: new Dictionary<string, string?> { ["CFLAGS"] = "-O2", ["CC"] = null }) with
        {
            ToolDigests = new Dictionary<string, string> { ["gcc"] = "bb" },
        };

        var key = ContentKey.For(recipe, resolved, new Dictionary<string, string> { ["libfoo"] = "cc" });

        key.Inputs.Select(i => $"{i.Name}={i.Value}").ShouldBe(
        [
            "source=git 1111111111111111111111111111111111111111",
            "patch 0001-fix.patch=aa",
            "step 1=make",
            "step 2=make install PREFIX=$PREFIX",
            "env CC=(unset)",
            "env CFLAGS=-O2",
            "platform os=linux",
            "platform release=debian 12",
            "platform arch=x64",
            "platform libc=glibc 2.36",
            "tool gcc=bb",
            "dependency libfoo=cc",
        ]);
        key.Key.Length.ShouldBe(64);
        ContentKey.Compute(key.Inputs).ShouldBe(key.Key);
    }

    [Fact]
    public void The_same_inputs_give_the_same_key()
    {
        ContentKey.For(Package("a"), Resolved(), NoDependencies).Key
            .ShouldBe(ContentKey.For(Package("a"), Resolved(), NoDependencies).Key);
    }

    [Fact]
    public void Every_input_changes_the_key()
    {
        var baseline = ContentKey.For(Package("a"), Resolved(), NoDependencies).Key;
        string[] variants =
        [
            ContentKey.For(Package("a"), Resolved(commit: "2222222222222222222222222222222222222222"), NoDependencies).Key,
            ContentKey.For(Package("a"), Resolved(patches: [new("p", "1")]), NoDependencies).Key,
            ContentKey.For(Package("a") with { Steps = ["make -j2", "make install PREFIX=$PREFIX"] }, Resolved(), NoDependencies).Key,
            ContentKey.For(Package("a"), Resolved(env: new Dictionary<string, string?> { ["CC"] = "gcc" }), NoDependencies).Key,
            ContentKey.For(Package("a"), Resolved(platform: Linux with { Libc = "musl" }), NoDependencies).Key,
            ContentKey.For(Package("a"), Resolved() with { ToolDigests = new Dictionary<string, string> { ["gcc"] = "1" } }, NoDependencies).Key,
            ContentKey.For(Package("a", "b"), Resolved(), new Dictionary<string, string> { ["b"] = "k" }).Key,
        ];

        variants.Distinct().Count().ShouldBe(variants.Length);
        variants.ShouldNotContain(baseline);
    }

    [Fact]
    public void Patch_order_is_part_of_the_key()
    {
        PatchDigest one = new("0001.patch", "1"), two = new("0002.patch", "2");
        ContentKey.For(Package("a"), Resolved(patches: [one, two]), NoDependencies).Key
            .ShouldNotBe(ContentKey.For(Package("a"), Resolved(patches: [two, one]), NoDependencies).Key);
    }

    [Fact]
    public void Encoding_is_unambiguous_across_name_and_value_boundaries()
    {
        ContentKey.Compute([new("ab", "c")]).ShouldNotBe(ContentKey.Compute([new("a", "bc")]));
    }

    [Fact]
    public void A_dependency_without_a_key_is_a_programming_error()
    {
        Should.Throw<InvalidOperationException>(() => ContentKey.For(Package("a", "b"), Resolved(), NoDependencies));
    }
}
