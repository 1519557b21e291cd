using Slipway.Build.Recipes;
using static Slipway.Build.Tests.Support.Recipes;

namespace Slipway.Build.Tests;

public sealed class RecipeValidatorTests
{
    [Fact]
    public void A_valid_set_has_no_errors()
    {
        RecipeValidator.Validate([Package("libfoo"), Package("app", "libfoo")]).ShouldBeEmpty();
    }

    [Fact]
    public void Each_error_names_the_package_and_the_field()
    {
        var errors = RecipeValidator.Validate(
        [
            Package("libfoo") with { Steps = [], Patches = ["a/0001.patch", "b/0001.patch"] },
            Package("app", "libbar") with { Source = new SourceSpec { Kind = SourceKind.Tarball, Url = "x.tar.gz", Sha256 = "abc" } },
            Package("bad name") with { Env = new Dictionary<string, string> { ["PREFIX"] = "/x" }, Platform = "Linux" },
            Package("libfoo"),
        ]).Select(e => e.ToString()).ToList();

        errors.ShouldBe(
        [
            "package 'libfoo', name: is declared twice",
            "package 'libfoo', steps: needs at least one step",
            "package 'libfoo', patches[2]: file name '0001.patch' is used twice",
            "package 'app', source.sha256: must be 64 hex digits (the SHA-256 of the tarball)",
            "package 'app', depends: unknown package 'libbar'",
            "package 'bad name', name: must be letters, digits, '.', '_' or '-', starting with a letter or digit",
            "package 'bad name', env: 'PREFIX' is set by the builder",
            "package 'bad name', platform: 'Linux' is not of the form os-arch (e.g. linux-x64)",
        ]);
    }

    [Fact]
    public void A_source_takes_only_the_fields_of_its_kind()
    {
        var errors = RecipeValidator.Validate(
        [
            Package("a") with { Source = new SourceSpec { Kind = SourceKind.Git, Url = "u", Path = "p" } },
            Package("b") with { Source = new SourceSpec { Kind = SourceKind.Local, Path = "p", Ref = "main" } },
        ]).Select(e => e.ToString()).ToList();

        errors.ShouldBe(
        [
            "package 'a', source.ref: is required",
            "package 'a', source.path: does not apply to a git source",
            "package 'b', source.ref: does not apply to a local path source",
        ]);
    }

    [Fact]
    public void Self_dependency_is_refused()
    {
        RecipeValidator.Validate([Package("a", "a")]).Single().ToString()
            .ShouldBe("package 'a', depends: a package cannot depend on itself");
    }
}
