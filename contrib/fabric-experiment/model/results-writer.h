/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RESULTS_WRITER_H
#define RESULTS_WRITER_H

#include "scenario-runner.h"

#include <nlohmann/json.hpp>
#include <string>

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief A results folder that appears whole or not at all.
 *
 * Everything is written into a staging folder beside the final one, which Commit() renames into
 * place. An existing folder is replaced only when the caller allows it and it is itself a
 * results folder (it holds the marker file MARKER), so no user folder is ever deleted. A staging
 * folder not committed is removed on destruction, or by the next Open() of the same path if its
 * process died.
 */
class ResultsFolder
{
  public:
    /// The file that marks a folder as written by ResultsFolder.
    static constexpr const char* MARKER = ".nsfab-results";

    ResultsFolder() = default;
    ResultsFolder(const ResultsFolder&) = delete;
    ResultsFolder& operator=(const ResultsFolder&) = delete;
    ~ResultsFolder();

    /// Create the staging folder for \p path; returns "" or why it cannot be done.
    std::string Open(const std::string& path, bool replace);

    const std::string& GetStagingPath() const
    {
        return m_staging;
    }

    /// Write \p name inside the staging folder; returns "" or the error.
    std::string WriteFile(const std::string& name, const std::string& content) const;

    /// Move the staging folder into place; returns "" or the error.
    std::string Commit();

  private:
    std::string m_final;
    std::string m_staging;
    bool m_replace{false};
    bool m_committed{false};
};

/**
 * \brief Write \p content to the file \p path so that it appears whole or not at all.
 * \param replace whether an existing file may be replaced
 * \return "" or why it was not written
 */
std::string WriteFileAtomically(const std::string& path, const std::string& content, bool replace);

/// The summary.json document of a run; invalid UTF-8 in names is replaced, never fatal.
nlohmann::ordered_json SummaryJson(const Scenario& scenario, const RunResult& result);

/// \p text quoted for a CSV field where it has to be (RFC 4180).
std::string CsvField(const std::string& text);

/// \name The results CSV files (docs/scenario-schema.md).
/// @{
std::string FctCsv(const Scenario& scenario, const RunResult& result);
std::string CollectivesCsv(const Scenario& scenario, const RunResult& result);
std::string QueuesCsv(const Scenario& scenario, const RunResult& result);
std::string PfcCsv(const Scenario& scenario, const RunResult& result);
/// By job, label and activity: when its tasks ran (runs with jobs only).
std::string TimelineCsv(const Scenario& scenario, const RunResult& result);
/// @}

/**
 * \brief Write a run's results into \p folder (not yet committed): summary.json, the CSV
 *        files, and inputs/ (the scenario as run and the files it reads).
 * \return "" or the error
 */
std::string WriteResults(ResultsFolder& folder, const Scenario& scenario, const RunResult& result);

/// The short text summary nsfab prints.
std::string SummaryText(const Scenario& scenario, const RunResult& result);

} // namespace ns3

#endif // RESULTS_WRITER_H
