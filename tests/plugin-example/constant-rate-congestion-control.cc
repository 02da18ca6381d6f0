/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// An example congestion-control plugin: every queue pair sends at one fixed rate, whatever the
// network tells it. Load it with `nsfab run --plugin libconstant-rate-cc.so` and select it in a
// scenario by its TypeId:
//
//   transport:
//     congestion-control: {algorithm: ns3::ConstantRateCongestionControl, Rate: 100Gbps}

#include "ns3/congestion-control.h"
#include "ns3/data-rate.h"

namespace nsfab_example
{

class ConstantRateCongestionControl : public ns3::CongestionControl
{
  public:
    static ns3::TypeId GetTypeId()
    {
        // The TypeId name is what scenarios use; it must differ from every other TypeId's.
        static ns3::TypeId tid =
            ns3::TypeId("ns3::ConstantRateCongestionControl")
                .SetParent<ns3::CongestionControl>()
                .SetGroupName("Rdma")
                .AddConstructor<ConstantRateCongestionControl>()
                .AddAttribute("Rate",
                              "The rate every queue pair sends at (at most the line rate)",
                              ns3::DataRateValue(ns3::DataRate("100Gb/s")),
                              ns3::MakeDataRateAccessor(&ConstantRateCongestionControl::m_rate),
                              ns3::MakeDataRateChecker());
        return tid;
    }

    void Init(uint64_t lineRate, uint32_t mtu) override
    {
        ns3::CongestionControl::Init(lineRate, mtu); // starts at line rate
        SetRate(m_rate.GetBitRate());                // kept within [MinRate, line rate]
    }

  private:
    ns3::DataRate m_rate;
};

// Registers the TypeId when the library is loaded.
NS_OBJECT_ENSURE_REGISTERED(ConstantRateCongestionControl);

} // namespace nsfab_example
