package dev.kubemigrate.cli;

import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Refuses an option given an empty value ({@code --version ''}) before any command runs: an empty
 * value never silently becomes the default. One check for every option of every command; the
 * arguments after {@code --} are the migration's own and are left alone.
 */
final class NoEmptyValues implements IExecutionStrategy {

  private final IExecutionStrategy next;

  NoEmptyValues(IExecutionStrategy next) {
    this.next = next;
  }

  @Override
  public int execute(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      for (OptionSpec option : p.matchedOptions()) {
        if (option.arity().max() == 0) {
          continue; // a flag takes no value
        }
        for (String value : option.originalStringValues()) {
          if (value.isBlank()) {
            throw new ParameterException(
                p.commandSpec().commandLine(),
                option.longestName()
                    + " is empty: give it a value, or leave the option out for its default");
          }
        }
      }
    }
    return next.execute(parseResult);
  }
}
