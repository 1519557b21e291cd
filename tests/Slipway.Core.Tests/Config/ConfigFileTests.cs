using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.Core.Tests.Config;

public sealed class ConfigFileTests
{
    [Fact]
    public void A_missing_file_is_one_error_naming_the_path_as_given()
    {
        using var dir = new TempDir();

        var result = ConfigLoader.Load(dir.File("nope/slipway.yml"));

        result.Succeeded.ShouldBeFalse();
        var line = result.Diagnostics.ShouldHaveSingleItem().ToString();
        Golden.Verify(line.Replace(dir.Path, "<tmp>", StringComparison.Ordinal), "Config", "FileNotFound");
    }

    [Fact]
    public void A_directory_is_not_a_config_file()
    {
        using var dir = new TempDir();

        var result = ConfigLoader.Load(dir.Path);

        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("is a directory, not a file");
    }

    [Fact]
    public void An_empty_file_says_what_a_minimal_file_looks_like()
    {
        using var dir = new TempDir();
        var path = dir.Write("slipway.yml", "");

        var result = ConfigLoader.Load(path);

        Golden.Verify(ConfigFixtures.Lines(result).Replace(dir.Path, "<tmp>", StringComparison.Ordinal), "Config", "EmptyFile");
    }

    [Fact]
    public void A_file_of_only_comments_counts_as_empty()
    {
        var result = ConfigFixtures.Parse("# nothing here yet\n\n   # really\n");

        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldStartWith("is empty; a minimal slipway.yml is:");
    }

    [Fact]
    public void A_minimal_file_loads_and_the_minimal_example_is_valid()
    {
        ConfigFixtures.Parse(ConfigLoader.MinimalExample).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void A_5MB_file_is_refused_without_parsing_it()
    {
        using var dir = new TempDir();
        var path = dir.File("slipway.yml");
        // Not YAML at all: if the loader parsed it we would see a syntax error instead of the size error.
        using (var stream = File.Create(path))
        {
            stream.SetLength(5 * 1024 * 1024);
        }

        var result = ConfigLoader.Load(path);

        var diagnostic = result.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe("is 5.0 MB; slipway.yml may be at most 1 MB");
        Golden.Verify(diagnostic.ToString().Replace(dir.Path, "<tmp>", StringComparison.Ordinal), "Config", "FileTooBig");
    }

    [Fact]
    public void Parse_applies_the_same_size_limit_to_text()
    {
        var result = ConfigLoader.Parse(new string('#', (int)ConfigLoader.MaxFileBytes + 1), "slipway.yml");

        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("is 1.0 MB; slipway.yml may be at most 1 MB");
    }

    [Fact]
    public void Load_records_the_absolute_path_and_reads_a_bom()
    {
        using var dir = new TempDir();
        var path = dir.Write("slipway.yml", "\uFEFF" + ConfigFixtures.Minimal);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);

        var result = ConfigLoader.Load(relative, ConfigFixtures.NoEnvironment);

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        result.Config!.SourceFile.ShouldBe(path);
    }
}
