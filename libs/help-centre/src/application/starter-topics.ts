// The starter help centre's topics: the most common wallet questions of DOMAIN.md, each in zh-CN and
// en. Every case category has at least one topic, so self-service answers (libs/self-service) have
// something to offer for each; bench/answers measures how well they are found.

export interface HelpTopic {
  slug: string;
  category: string;
  en: { title: string; body: string };
  zh: { title: string; body: string };
}

export const STARTER_TOPICS: HelpTopic[] = [
  {
    slug: 'payment-failed',
    category: 'payment_failed',
    en: {
      title: 'Why did my payment fail?',
      body: 'Payments usually fail because the balance is insufficient, the network was unstable, the merchant does not accept the wallet, or a risk check froze the payment. Check your balance and connection and try again. If money left your account but the merchant did not receive it, it is returned automatically within 3 working days.',
    },
    zh: {
      title: '为什么我的付款失败了？',
      body: '付款失败的常见原因：余额不足、网络不稳定、商户不支持本钱包，或风控冻结了这笔付款。请检查余额和网络后重试。如果钱已扣款但商户未收到，款项将在3个工作日内自动退回。',
    },
  },
  {
    slug: 'account-locked',
    category: 'account_locked',
    en: {
      title: 'My account is locked',
      body: 'Accounts are locked after too many wrong passwords or when we notice suspicious activity. Wait 30 minutes and try again, or contact us to verify your identity and unlock the account.',
    },
    zh: {
      title: '账户被锁定怎么办？',
      body: '多次输错密码或检测到可疑活动时，账户会被锁定。请等待30分钟后重试，或联系客服验证身份后解锁账户。',
    },
  },
  {
    slug: 'account-stolen',
    category: 'account_stolen',
    en: {
      title: 'I think my account was stolen',
      body: 'Contact us immediately through the hotline or in-app chat: we freeze the account at once so no more money can leave it, then verify your identity and restore access.',
    },
    zh: {
      title: '账户被盗了怎么办？',
      body: '请立即通过客服热线或应用内在线客服联系我们：我们会马上冻结账户，防止资金继续转出，然后核实您的身份并恢复账户。',
    },
  },
  {
    slug: 'password-reset',
    category: 'password_reset',
    en: {
      title: 'The SMS code or reset link never arrived',
      body: 'Check that your phone number is correct, that you have signal, and your spam folder for the reset link. Codes can be requested again after 60 seconds. If nothing arrives, contact us.',
    },
    zh: {
      title: '收不到短信验证码或重置密码链接',
      body: '请确认手机号码正确、信号正常，并检查垃圾邮件中的重置链接。60秒后可以重新获取验证码。如果仍然收不到，请联系客服。',
    },
  },
  {
    slug: 'refund-not-received',
    category: 'refund_not_received',
    en: {
      title: 'The merchant refunded me but the refund has not arrived',
      body: 'Refunds to the wallet balance arrive within 1 working day; refunds to a bank card take 3 to 7 working days depending on the bank. If it has not arrived after that, open a case with the transaction id.',
    },
    zh: {
      title: '商户已退款，但退款还没到账',
      body: '退回钱包余额的退款1个工作日内到账；退回银行卡的退款视银行而定，需要3到7个工作日。超过时间仍未到账，请提供交易单号联系客服。',
    },
  },
  {
    slug: 'card-unbinding',
    category: 'card_unbinding',
    en: {
      title: 'I cannot unbind my bank card',
      body: 'A bank card cannot be unbound while a transaction on it is still pending, or when identity verification fails. Wait until pending transactions complete, then try again.',
    },
    zh: {
      title: '银行卡无法解绑怎么办？',
      body: '银行卡有未完成的交易或身份验证失败时无法解绑。请等待交易完成后再尝试解绑。',
    },
  },
  {
    slug: 'cross-border',
    category: 'cross_border',
    en: {
      title: 'Paying abroad: currencies and fees',
      body: 'The wallet supports payments in the major currencies. Cross-border payments are converted at the exchange rate of the payment time and may carry a conversion fee shown before you confirm.',
    },
    zh: {
      title: '境外支付：币种和手续费',
      body: '钱包支持主要币种的境外支付。跨境付款按付款时的汇率换算，可能收取货币转换手续费，确认付款前会显示。',
    },
  },
  {
    slug: 'payment-debited-order-failed',
    category: 'payment_failed',
    en: {
      title: 'Money was taken but the payment shows as failed',
      body: 'When a payment fails after your balance or card was debited, the money is held and sent back automatically: to the wallet balance within 1 working day, to a bank card within 3 to 7 working days. You do not need to do anything or pay again to get it back. Check the payment under Me > Bills; if the money is not back after 7 working days, contact us with the transaction id.',
    },
    zh: {
      title: '扣款了但订单显示支付失败',
      body: '如果付款失败但余额或银行卡已被扣款，这笔钱会被暂时保留并自动退回：退回钱包余额1个工作日内到账，退回银行卡需要3到7个工作日。您无需任何操作，也不用重新付款。可在 我的 > 账单 中查看该笔付款；超过7个工作日仍未退回，请提供交易单号联系客服。',
    },
  },
  {
    slug: 'request-refund',
    category: 'refund',
    en: {
      title: 'How do I get a refund for a purchase?',
      body: 'Refunds for purchases are made by the merchant. Ask the merchant to refund the order from their side; the money goes back to the payment method you used. If the merchant refuses or does not reply within 7 days, you can ask us to open a dispute on the transaction. Top-ups and transfers to friends cannot be reversed by us: ask the recipient to send the money back.',
    },
    zh: {
      title: '购物后如何申请退款？',
      body: '购物退款由商户发起。请联系商户为订单办理退款，款项会原路退回到您付款时使用的方式。如果商户拒绝退款或7天内没有回复，您可以请我们对该交易发起争议。充值和转账给好友的钱无法由我们撤回，请联系收款人退还。',
    },
  },
  {
    slug: 'dispute-transaction',
    category: 'transaction_dispute',
    en: {
      title: 'How to dispute a transaction (item not received or not as described)',
      body: 'If you paid but the merchant never delivered, or the goods were not as described, first contact the merchant. If you cannot agree, open a dispute from the transaction details (Bills > the payment > Dispute) within 180 days of paying. The merchant has 7 days to respond. Keep receipts, chat logs and delivery proof as evidence; we review both sides and decide, and if you win the money is paid back automatically.',
    },
    zh: {
      title: '如何对交易提出争议（未收到商品或货不对板）',
      body: '如果付款后商户一直未发货，或收到的商品与描述不符，请先与商户协商。协商不成，可在付款后180天内从交易详情（账单 > 该笔付款 > 申请争议）发起争议，商户需在7天内回应。请保留收据、聊天记录和物流凭证作为证据；我们审核双方材料后作出裁决，裁决支持您时款项会自动退回。',
    },
  },
  {
    slug: 'unknown-charge',
    category: 'abnormal_charge',
    en: {
      title: 'A charge I do not recognise, or I was charged twice',
      body: 'Check the merchant name and time in the bill details: many unexpected charges are subscriptions or automatic payments you agreed to, or a pre-authorisation that is released later. A duplicate charge for one purchase is usually reversed within 3 working days. If you did not make the payment at all, change your password and contact us at once so we can secure the account and investigate the charge.',
    },
    zh: {
      title: '账单里有不认识的扣款，或被重复扣款',
      body: '请在账单详情中核对商户名称和时间：很多意外扣款来自您开通的订阅或自动扣费，或是稍后会释放的预授权。同一笔消费被重复扣款，通常会在3个工作日内自动退回。如果这笔付款根本不是您本人操作，请立即修改密码并联系客服，我们会保护您的账户并调查这笔扣款。',
    },
  },
  {
    slug: 'auto-debit',
    category: 'feature_question',
    en: {
      title: 'Turn off automatic payments and subscriptions',
      body: 'Go to Me > Settings > Payment settings > Automatic payments to see every merchant allowed to charge you without confirmation, and turn off the ones you no longer want. Cancelling the subscription itself is done with the merchant; turning off automatic payment only stops future charges through the wallet.',
    },
    zh: {
      title: '如何关闭自动扣费和免密支付？',
      body: '进入 我的 > 设置 > 支付设置 > 自动扣费，可以看到所有开通了免密支付的商户，关闭不再需要的项目即可。取消会员或订阅服务本身需要联系商户；关闭自动扣费只会停止以后通过钱包的扣款。',
    },
  },
  {
    slug: 'fees',
    category: 'fees',
    en: {
      title: 'What fees does the wallet charge?',
      body: 'Paying merchants and sending money to other wallet users is free. Withdrawals to a bank card are free up to 20,000 a year, then cost 0.1% (at least 0.10). Topping up with a credit card costs 1%; with a debit card it is free. Payments abroad may include a currency conversion fee, shown before you confirm.',
    },
    zh: {
      title: '钱包收取哪些手续费？',
      body: '向商户付款和给其他钱包用户转账都免费。提现到银行卡每年有2万元免费额度，超出部分收取0.1%服务费（最低0.1元）。用信用卡充值收取1%手续费，借记卡充值免费。境外付款可能包含货币转换手续费，确认前会显示。',
    },
  },
  {
    slug: 'withdrawal',
    category: 'feature_question',
    en: {
      title: 'How long does a withdrawal to my bank card take?',
      body: 'Withdrawals to a bank card usually reach the bank within 2 hours, and at the latest on the next working day. Withdrawals made at weekends or on public holidays may take until the next working day. If a withdrawal fails, for example because the card was cancelled, the money goes back to your wallet balance.',
    },
    zh: {
      title: '提现到银行卡要多久？',
      body: '提现到银行卡一般2小时内到账，最晚下一个工作日到账。周末或法定节假日发起的提现可能顺延到下一个工作日。如果提现失败（例如银行卡已注销），资金会退回钱包余额。',
    },
  },
  {
    slug: 'privacy',
    category: 'privacy',
    en: {
      title: 'How is my personal data used, and how can I delete it?',
      body: 'We use your personal data to run your wallet, to prevent fraud and to meet legal obligations, and we never sell it. You can download a copy of your data or ask us to delete it under Me > Settings > Privacy. Transaction records that the law requires us to keep are kept for the legal period, then erased.',
    },
    zh: {
      title: '我的个人信息如何使用？如何删除？',
      body: '我们使用您的个人信息来提供钱包服务、防范欺诈和履行法律义务，绝不出售您的信息。您可以在 我的 > 设置 > 隐私 中下载个人信息副本或申请删除。法律要求保存的交易记录会在法定期限届满后删除。',
    },
  },
  {
    slug: 'close-account',
    category: 'other',
    en: {
      title: 'How do I close my wallet account?',
      body: 'Withdraw or spend your remaining balance, unbind your bank cards and turn off automatic payments, then go to Me > Settings > Account security > Close account. Closing an account is permanent and takes up to 7 days. An account with a pending transaction, dispute or refund cannot be closed until it is finished.',
    },
    zh: {
      title: '如何注销钱包账户？',
      body: '请先提现或用完余额，解除绑定的银行卡并关闭自动扣费，然后进入 我的 > 设置 > 账户安全 > 注销账户。注销后不可恢复，最长需要7天。有未完成的交易、争议或退款时，需要处理完毕后才能注销。',
    },
  },
  {
    slug: 'app-not-working',
    category: 'technical',
    en: {
      title: 'The app crashes or will not open',
      body: 'Update the app to the latest version, restart your phone and check that it has free storage and a working internet connection. If the app still crashes or shows a blank screen, clear its cache or reinstall it; your balance and history are kept on our servers. If the problem continues, tell us your phone model and system version.',
    },
    zh: {
      title: 'App闪退、白屏或打不开怎么办？',
      body: '请把App更新到最新版本，重启手机，并确认手机存储空间充足、网络连接正常。如果仍然闪退或白屏，可以清除缓存或卸载后重新安装，余额和账单记录都保存在服务器上，不会丢失。问题仍未解决，请告诉我们手机型号和系统版本。',
    },
  },
  {
    slug: 'transfer-limits',
    category: 'feature_question',
    en: {
      title: 'Daily payment and transfer limits',
      body: 'Accounts without identity verification can pay and transfer up to 500 a day. Verifying your identity raises the limit to 50,000 a day and 200,000 a year. Bank cards also have their own limits set by the bank. If a payment is refused for exceeding a limit, verify your identity or split the payment.',
    },
    zh: {
      title: '每天的支付和转账限额是多少？',
      body: '未实名认证的账户每天支付和转账限额为500元。完成实名认证后，每日限额提高到5万元，每年20万元。银行卡另有发卡银行设置的限额。如果付款因超出限额被拒绝，请完成实名认证或分多笔支付。',
    },
  },
  {
    slug: 'two-factor',
    category: 'feature_question',
    en: {
      title: 'Turn on two-factor authentication and fingerprint payment',
      body: 'Go to Me > Settings > Account security to turn on two-factor authentication: logging in on a new device then needs an SMS code as well as your password. Fingerprint or face payment is under Payment settings; it replaces the payment password on this phone only.',
    },
    zh: {
      title: '如何开启双重验证和指纹支付？',
      body: '进入 我的 > 设置 > 账户安全 开启双重验证，之后在新设备登录时除了密码还需要短信验证码。指纹或面容支付在 支付设置 中开启，只在本机上代替支付密码。',
    },
  },
  {
    slug: 'payment-password',
    category: 'password_reset',
    en: {
      title: 'I forgot my payment password',
      body: 'Go to Me > Settings > Payment settings > Reset payment password and confirm with the SMS code and your ID number. If your phone number has changed, reset it with a face check instead. After 5 wrong payment passwords in a row, payments are paused for 3 hours.',
    },
    zh: {
      title: '忘记支付密码怎么办？',
      body: '进入 我的 > 设置 > 支付设置 > 重置支付密码，通过短信验证码和身份证号验证即可。如果手机号已经更换，可以通过人脸识别重置。支付密码连续输错5次，支付功能将暂停3小时。',
    },
  },
  {
    slug: 'complaint',
    category: 'complaint',
    en: {
      title: 'How do I complain about the service or an agent?',
      body: 'We are sorry it went wrong. Tell us what happened under Help > Feedback > Complaint, or in the satisfaction survey after your case, and mention the case number and the agent if you know them. A supervisor reads every complaint and answers within 2 working days.',
    },
    zh: {
      title: '如何投诉服务或客服人员？',
      body: '很抱歉给您带来不好的体验。您可以在 帮助 > 意见反馈 > 投诉 中告诉我们经过，或在案件结束后的满意度调查中反馈，请注明案件编号和客服人员（如知道）。每一条投诉都由主管查看，并在2个工作日内回复。',
    },
  },
  {
    slug: 'contact-support',
    category: 'other',
    en: {
      title: 'How to reach a person, and opening hours',
      body: 'In-app chat is open 24 hours a day. The hotline +86 400-000-0000 is open from 9:00 to 21:00. You can also email support@example.com; we answer within one working day. If your account was stolen, call the hotline or use chat at once.',
    },
    zh: {
      title: '如何联系人工客服？服务时间是什么时候？',
      body: '应用内在线客服24小时服务。客服热线 +86 400-000-0000 的服务时间为9:00至21:00。也可以发送邮件至 support@example.com，我们会在一个工作日内回复。如果账户被盗，请立即拨打热线或使用在线客服。',
    },
  },
  {
    slug: 'bind-card',
    category: 'feature_question',
    en: {
      title: 'How do I add a bank card?',
      body: 'Go to Me > Bank cards > Add card, enter the card number and the phone number registered with your bank, then the SMS code the bank sends you. The name on the card must match your verified identity. Debit and credit cards of most banks are supported.',
    },
    zh: {
      title: '如何绑定银行卡？',
      body: '进入 我的 > 银行卡 > 添加银行卡，输入卡号和在银行预留的手机号，再填写银行发送的短信验证码即可。银行卡的户名必须与实名认证的姓名一致。支持大多数银行的借记卡和信用卡。',
    },
  },
];
